// The `clone` target (dm-clone-target.c's target_type):
//   clone <metadata dev> <destination dev> <source dev> <region size>
//         [<#feature args> [<feature arg>]* [<#core args> [<core arg>]*]]
// features `no_hydration`, `no_discard_passdown`; core args `hydration_threshold N`,
// `hydration_batch_size N` (defaults 1 and 1). Region size in sectors: a power of two from 8
// (4 KiB) to 2^21 (1 GiB), a multiple of both devices' logical block size. Messages:
// `enable_hydration`, `disable_hydration`, `hydration_threshold N`, `hydration_batch_size N`.
// Parameters: `clone.*` (params.ts), `kcopyd.*` (the hydration copies), `bufio.*`, `pdata.*`
// (the metadata).
import type { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import { InputError } from '../../base/input-error.js';
import type { ProcessGenerator, SimEvent } from '../../sim/index.js';
import { parseBufioParams } from '../bufio/params.js';
import { parseKcopydParams } from '../kcopyd/params.js';
import { PdataError } from '../persistent-data/block-data.js';
import { parsePdataParams } from '../persistent-data/params.js';
import type { TableLine } from '../table.js';
import { targetCpus, type DiscardLimits, type DmTarget, type PowerCutRecovery, type TargetArgs, type TargetContext, type TargetHealth } from '../target-registry.js';
import { Clone, type CloneOptions } from './clone.js';
import { CloneMetadata, METADATA_BLOCK_SECTORS } from './clone-metadata.js';
import { parseCloneParams } from './params.js';
import { recoverClone } from './recover.js';

/** MIN_REGION_SIZE, MAX_REGION_SIZE (sectors). */
export const MIN_REGION_SIZE = 1 << 3;
export const MAX_REGION_SIZE = 1 << 21;
export const DEFAULT_HYDRATION_THRESHOLD = 1;
export const DEFAULT_HYDRATION_BATCH_SIZE = 1;
/** UINT_MAX >> SECTOR_SHIFT: the most sectors one bio's 32-bit byte count can carry. */
const UINT_MAX_SECTORS = 0xffffffff >>> 9;

export class CloneTarget implements DmTarget {
  readonly type = 'clone';
  readonly devices: readonly BlockDevice[];
  /** dm_set_target_max_io_len(ti, region_size): bios never span regions. */
  readonly maxIoLen: number;
  /**
   * set_discard_limits: discards are not cut at max_io_len (num_discard_bios = 1; dm core cuts
   * them at the target's end only) but by the queue's discard limits, so process_discard_bio
   * sees whole ranges. Without passdown: the region size as granularity and
   * round_down(UINT_MAX >> SECTOR_SHIFT, region size) as maximum; with passdown the
   * destination's limits, which for the model's devices (they state none) are the largest bio
   * (UINT_MAX >> SECTOR_SHIFT) at their logical block size (docs/references.md#clone-map).
   */
  readonly discardLimits: DiscardLimits;
  readonly ready: SimEvent<unknown>;

  constructor(
    readonly clone: Clone,
    /** The table's words after the three devices, kept for the table status (ctr_args). */
    readonly ctrArgs: readonly string[],
  ) {
    this.devices = [clone.metadataDev, clone.dest, clone.source];
    this.maxIoLen = clone.regionSize;
    const granularity = clone.discardPassdown ? clone.dest.logicalBlockSize / 512 : clone.regionSize;
    this.discardLimits = { maxSectors: UINT_MAX_SECTORS - (UINT_MAX_SECTORS % granularity), granularity };
    this.ready = clone.setup;
  }

  map(bio: Bio): ProcessGenerator<BlockDevice | null> {
    return this.clone.map(bio, bio.sector - this.clone.begin);
  }

  status(): Record<string, unknown> {
    const c = this.clone;
    return {
      hydratedRegions: c.cmd.nrHydrated,
      totalRegions: c.nrRegions,
      hydratingRegions: c.hydrationsInFlight,
      regionSize: c.regionSize,
      metadataBlocksUsed: c.cmd.metadataBlocks - c.cmd.freeMetadataBlocks,
      metadataBlocks: c.cmd.metadataBlocks,
      mode: c.mode,
      hydrationEnabled: c.hydrationEnabled,
      hydrationThreshold: c.hydrationThreshold,
      hydrationBatchSize: c.hydrationBatchSize,
      ...c.counters,
      metadataWrites: c.cmd.pm.bufio.stats.writes,
      metadataCommits: c.cmd.commits,
      /** Hydrated regions at setup and at every waker tick (once a second). */
      progress: c.progress.map((p) => [p.t / 1e9, p.hydrated]),
      dmsetup: this.statusLine(),
    };
  }

  /**
   * clone_status, STATUSTYPE_INFO: `<metadata block size> <#used metadata blocks>/<#total
   * metadata blocks> <region size> <#hydrated regions>/<#total regions> <#hydrating regions>
   * <#features> <features>* <#core args> <core args>* <mode>`. (The kernel commits before
   * answering; this status reads the state as it is.)
   */
  statusLine(): string {
    const c = this.clone;
    if (c.mode === 'fail') return 'Fail';
    const features: string[] = [];
    if (!c.hydrationEnabled) features.push('no_hydration');
    if (!c.discardPassdown) features.push('no_discard_passdown');
    const used = c.cmd.metadataBlocks - c.cmd.freeMetadataBlocks;
    return (
      `${METADATA_BLOCK_SECTORS} ${used}/${c.cmd.metadataBlocks} ${c.regionSize} ${c.cmd.nrHydrated}/${c.nrRegions} ${c.hydrationsInFlight} ` +
      `${features.length} ${features.map((f) => `${f} `).join('')}` +
      `4 hydration_threshold ${c.hydrationThreshold} hydration_batch_size ${c.hydrationBatchSize} ${c.mode}`
    );
  }

  health(): TargetHealth {
    const c = this.clone;
    if (c.mode === 'rw') return { state: 'ok' };
    return { state: c.mode, warning: `clone ${c.name}: metadata ${c.mode === 'ro' ? 'read-only' : 'failed'} after a failed commit; writes to unhydrated regions fail` };
  }

  /** clone_message */
  message(words: readonly string[]): string | void {
    const c = this.clone;
    const w = (words[0] ?? '').toLowerCase();
    if (w === 'enable_hydration') return c.enableHydration();
    if (w === 'disable_hydration') return c.disableHydration();
    if (w === 'hydration_threshold' || w === 'hydration_batch_size') {
      if (words.length !== 2 || !/^\d+$/.test(words[1]) || Number(words[1]) > 0xffffffff) {
        throw new InputError(`clone: message '${w}' takes one unsigned integer, got '${words.slice(1).join(' ')}'`, { field: 'message' });
      }
      if (w === 'hydration_threshold') c.setHydrationThreshold(Number(words[1]));
      else c.setHydrationBatchSize(Number(words[1]));
      return;
    }
    throw new InputError(`clone: unsupported message '${words[0] ?? ''}' (known: enable_hydration, disable_hydration, hydration_threshold N, hydration_batch_size N)`, { field: 'message' });
  }

  /** The re-open after a power cut: metadata check, then regions recorded hydrated against the destination's media. */
  recoverAfterPowerCut(): PowerCutRecovery {
    return recoverClone(this.clone);
  }

  suspend(): ProcessGenerator<void> {
    return this.clone.postsuspend();
  }

  *resume(): ProcessGenerator<void> {
    this.clone.resume();
  }
}

const NAMES = ['metadata dev', 'destination dev', 'source dev', 'region size'];

/** parse_feature_args + parse_core_args; `i` is the word after the region size. */
function parseOptional(args: TargetArgs): { options: CloneOptions; used: number } {
  const options: CloneOptions = {
    hydrationEnabled: true,
    discardPassdown: true,
    hydrationThreshold: DEFAULT_HYDRATION_THRESHOLD,
    hydrationBatchSize: DEFAULT_HYDRATION_BATCH_SIZE,
  };
  let i = 4;
  if (args.count > i) {
    const nf = args.integer(i, '#feature args');
    if (nf > 2) throw args.error(`Invalid number of feature arguments: <#feature args> must be 0..2, got ${nf}`, '#feature args');
    if (i + 1 + nf > args.count) throw args.error(`<#feature args> says ${nf} but only ${args.count - i - 1} words follow`, '#feature args');
    for (let k = 1; k <= nf; k++) {
      const f = args.word(i + k, 'feature arg').toLowerCase();
      if (f === 'no_hydration') options.hydrationEnabled = false;
      else if (f === 'no_discard_passdown') options.discardPassdown = false;
      else throw args.error(`Invalid feature argument '${args.word(i + k, 'feature arg')}' (known: no_hydration, no_discard_passdown)`, 'feature arg');
    }
    i += 1 + nf;
  }
  if (args.count > i) {
    const nc = args.integer(i, '#core args');
    if (nc > 4) throw args.error(`Invalid number of core arguments: <#core args> must be 0..4, got ${nc}`, '#core args');
    if (nc % 2 !== 0) throw args.error(`Number of core arguments must be even, got ${nc}`, '#core args');
    if (i + 1 + nc > args.count) throw args.error(`<#core args> says ${nc} but only ${args.count - i - 1} words follow`, '#core args');
    for (let k = 1; k <= nc; k += 2) {
      const key = args.word(i + k, 'core arg').toLowerCase();
      if (key !== 'hydration_threshold' && key !== 'hydration_batch_size') {
        throw args.error(`Invalid core argument '${args.word(i + k, 'core arg')}' (known: hydration_threshold, hydration_batch_size)`, 'core arg');
      }
      const v = args.word(i + k + 1, key);
      if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw args.error(`Invalid value for argument \`${key}': '${v}'`, key);
      if (key === 'hydration_threshold') options.hydrationThreshold = Number(v);
      else options.hydrationBatchSize = Number(v);
    }
    i += 1 + nc;
  }
  return { options, used: i };
}

/** clone_ctr */
export function cloneCtr(ctx: TargetContext, line: TableLine, args: TargetArgs): DmTarget {
  args.expectCount(4, 4 + 3 + 5, NAMES);
  const metadataDev = args.device(0, 'metadata dev');
  const dest = args.device(1, 'destination dev');
  if (dest.sizeSectors < line.length) {
    throw args.error(`Device size larger than destination device: ${dest.name} has ${dest.sizeSectors} sectors, the target ${line.length}`, 'destination dev');
  }
  const source = args.device(2, 'source dev');
  if (source.sizeSectors < line.length) {
    throw args.error(`Device size larger than source device: ${source.name} has ${source.sizeSectors} sectors, the target ${line.length}`, 'source dev');
  }
  if (metadataDev === dest || metadataDev === source || dest === source) throw args.error('the metadata, destination and source devices must be three different devices', 'metadata dev');
  const rsWord = args.word(3, 'region size');
  if (!/^\d+$/.test(rsWord)) throw args.error(`Invalid region size '${rsWord}': an integer number of sectors`, 'region size');
  const regionSize = Number(rsWord);
  if (regionSize < MIN_REGION_SIZE || regionSize > MAX_REGION_SIZE) {
    throw args.error(`Invalid region size ${regionSize}: from ${MIN_REGION_SIZE} sectors (4 KiB) to ${MAX_REGION_SIZE} sectors (1 GiB)`, 'region size');
  }
  if ((regionSize & (regionSize - 1)) !== 0) throw args.error(`Region size is not a power of 2: ${regionSize}`, 'region size');
  for (const d of [source, dest]) {
    if (regionSize % (d.logicalBlockSize / 512) !== 0) {
      throw args.error(`Region size is not a multiple of device logical block size (${d.name}: ${d.logicalBlockSize} bytes)`, 'region size');
    }
  }
  const nrRegions = Math.ceil(line.length / regionSize);
  if (nrRegions > 2 ** 31) throw args.error(`Too many regions (${nrRegions}). Consider increasing the region size`, 'region size');
  const { options, used } = parseOptional(args);
  if (used !== args.count) throw args.error(`unexpected argument '${args.word(used, 'extra')}' after the core args`);
  const need = CloneMetadata.blocksNeeded(nrRegions);
  const have = Math.floor(metadataDev.sizeSectors / METADATA_BLOCK_SECTORS);
  if (have < Math.max(need, 16)) {
    throw args.error(`metadata device ${metadataDev.name} is too small: ${have} blocks of 4 KiB, ${Math.max(need, 16)} needed for ${nrRegions} regions`, 'metadata dev');
  }
  // dm_clone_metadata_open on a device that already holds clone metadata (__open_metadata):
  // checked here, before the simulated open reads it, so the table line fails at once.
  const existing = CloneMetadata.existingGeometry(metadataDev);
  if (existing !== null && (existing.regionSize !== regionSize || existing.targetSize !== line.length)) {
    throw args.error(
      `Failed to load metadata: region and/or target size don't match the ones in metadata on ${metadataDev.name} (region size ${existing.regionSize}, target size ${existing.targetSize}; this table: ${regionSize}, ${line.length})`,
      existing.regionSize !== regionSize ? 'region size' : 'metadata dev',
    );
  }
  const cpus = targetCpus(ctx, 2);
  try {
    const params = parseCloneParams(ctx.params);
    const kcopyd = parseKcopydParams(ctx.params);
    const cmd = new CloneMetadata(ctx.sim, metadataDev, line.length, regionSize, parseBufioParams(ctx.params), parsePdataParams(ctx.params), `bufio-${ctx.deviceName}`);
    const clone = new Clone(ctx.sim, cpus, ctx.deviceName, line.start, line.length, metadataDev, dest, source, regionSize, cmd, options, params, kcopyd);
    return new CloneTarget(clone, line.args.slice(3));
  } catch (err) {
    if (err instanceof InputError) throw args.error(`params.${err.field}: ${err.reason}`, err.field);
    if (err instanceof PdataError) throw args.error(`metadata device: ${err.message}`, 'metadata dev');
    throw err;
  }
}
