// The `vdo` target (dm-vdo-target.c): vdo_ctr parses the table line (device-config.ts), builds
// the thread config and the volume (vdo.ts) on a formatted storage device, and maps every bio
// to it (vdo_map_bio: DM_MAPIO_SUBMITTED; flushes go to the flush machinery, the rest take a
// data_vio). dm core splits bios to 4 KiB (max_io_len). `dmsetup status` prints what
// vdo_status prints; status() adds what `vdostats --verbose` would show and what this model
// counts besides: handoffs per write by kind of write, messages, per-thread CPU, batches.
import type { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import { InputError } from '../../base/input-error.js';
import type { ProcessGenerator } from '../../sim/index.js';
import type { TableLine } from '../table.js';
import { targetCpus, type DmTarget, type PowerCutRecovery, type TargetArgs, type TargetContext } from '../target-registry.js';
import { VDO_SECTORS_PER_BLOCK } from './constants.js';
import { VDO_DATA_PATH } from './data-path.js';
import { parseDeviceConfig } from './device-config.js';
import { parseVdoParams } from './params.js';
import { recoverVdo } from './recover.js';
import { STEP_NAMES } from './steps.js';
import { makeThreadConfig } from './thread-config.js';
import { Vdo, vdoLayout } from './vdo.js';

export class VdoTarget implements DmTarget {
  readonly type = 'vdo';
  readonly devices: readonly BlockDevice[];
  readonly maxIoLen = VDO_SECTORS_PER_BLOCK;

  constructor(
    readonly vdo: Vdo,
    readonly begin: number,
  ) {
    this.devices = [vdo.storage];
  }

  *map(clone: Bio): ProcessGenerator<BlockDevice | null> {
    yield* this.vdo.mapBio(clone, clone.sector - this.begin);
    return null;
  }

  /** vdo_status, STATUSTYPE_INFO */
  statusLine(): string {
    const v = this.vdo;
    return `/dev/${v.storage.name} normal - ${v.config.deduplication ? 'online' : 'offline'} ${v.config.compression ? 'online' : 'offline'} ${v.depot.usedBlocks() + v.overheadBlocks} ${v.config.physicalBlocks}`;
  }

  /** The next start's recovery after a power cut (recover.ts). */
  recoverAfterPowerCut(): PowerCutRecovery {
    return recoverVdo(this.vdo);
  }

  message(words: readonly string[]): string | void {
    if (words[0] === 'stats') return JSON.stringify(this.status());
    throw new InputError(`vdo: unknown message '${words[0] ?? ''}' (modelled: stats)`, { field: 'message' });
  }

  status(): Record<string, unknown> {
    const v = this.vdo;
    const span = v.sim.now;
    const mean = (h: [number, number]) => (h[1] > 0 ? h[0] / h[1] : 0);
    const ex = v.executor as unknown as { queues?: { name: string; enqueued: number; wakeups: number; served: number }[] };
    const threads = v.threadNames.map((name, id) => {
      const q = id < v.tc.threadCount ? ex.queues?.[id] : v.uds.queues[id - v.tc.threadCount];
      return {
        name,
        cpu_ns: v.cpuByThread[id],
        cpu_busy: span > 0 ? v.cpuByThread[id] / span : 0,
        callbacks: v.runsByThread[id],
        messages_in: q?.enqueued ?? 0,
        wakeups: q?.wakeups ?? 0,
        mean_batch: q !== undefined && q.wakeups > 0 ? q.served / q.wakeups : 0,
      };
    });
    const h = v.stats.handoffs;
    const zones = v.depot.zones;
    return {
      threadDesign: v.params.threads,
      journalOrder: v.params.journalOrder,
      // As vdostats counts them: the block map's tree pages are overhead, not data.
      dataBlocksUsed: v.depot.usedBlocks() - v.blockMap.forest.pagesAllocated(),
      overheadBlocksUsed: v.overheadBlocks + v.blockMap.forest.pagesAllocated(),
      logicalBlocksUsed: v.blockMap.mapping.size,
      physicalBlocks: v.config.physicalBlocks,
      slabCount: v.depot.slabs.length,
      ...v.stats,
      handoffsPerWrite: {
        unique: mean(h.unique),
        duplicate: mean(h.duplicate),
        compressed: mean(h.compressed),
        zero: mean(h.zero),
        all: (h.unique[0] + h.duplicate[0] + h.compressed[0] + h.zero[0]) / Math.max(1, v.stats.writesCompleted),
      },
      messages: v.messages,
      messagesPerSecond: span > 0 ? (v.messages * 1e9) / span : 0,
      dedupeAdviceValid: v.hashZones.reduce((a, z) => a + z.adviceValid, 0),
      dedupeAdviceStale: v.hashZones.reduce((a, z) => a + z.adviceStale, 0),
      concurrentDataMatches: v.hashZones.reduce((a, z) => a + z.concurrentDataMatches, 0),
      indexPosts: v.index.posts,
      indexHits: v.index.hits,
      compressedFragmentsWritten: v.packer.compressedFragmentsWritten,
      compressedBlocksWritten: v.packer.compressedBlocksWritten,
      journalEntries: v.journal.entries,
      journalBlocksWritten: v.journal.blocksWritten,
      journalEntriesPerBlock: v.journal.blocksWritten > 0 ? v.journal.entriesWritten / v.journal.blocksWritten : 0,
      blockMapCacheHits: v.blockMap.zones.reduce((a, z) => a + z.hits, 0),
      blockMapCacheMisses: v.blockMap.zones.reduce((a, z) => a + z.misses, 0),
      blockMapPageReads: v.blockMap.zones.reduce((a, z) => a + z.pageReads, 0),
      blockMapTreePagesAllocated: { leaf: v.blockMap.forest.allocated[0], height1: v.blockMap.forest.allocated[1], height2: v.blockMap.forest.allocated[2], height3: v.blockMap.forest.allocated[3] },
      blockMapRootReads: v.blockMap.forest.rootReads,
      blockMapTreePageReads: v.blockMap.forest.pageReads,
      slabJournalReaps: v.depot.slabs.reduce((a, sl) => a + sl.journal.reaps, 0),
      slabJournalBlockedEntries: v.depot.slabs.reduce((a, sl) => a + sl.journal.blockedEntries, 0),
      dataVioMaxInUse: v.pool.maxBusy,
      dataVioWaits: v.pool.waits,
      slabJournalOutOfOrder: zones.reduce((a, z) => a + z.outOfOrder, 0),
      slabJournalParks: zones.reduce((a, z) => a + z.parks, 0),
      blockMapOutOfOrder: v.blockMap.orderViolations,
      threads,
      // The traced data_vios (vdo.traceDataVios > 0): thread by thread, for pictures of the path.
      ...(v.params.traceDataVios > 0 ? { traces: this.traces() } : {}),
    };
  }

  /** The traced data_vios: per data_vio, [time, thread name, step name] per callback. */
  traces(): { t: number; thread: string; step: string }[][] {
    return this.vdo.traces.map((tr) => {
      const out: { t: number; thread: string; step: string }[] = [];
      for (let i = 0; i < tr.length; i += 3) out.push({ t: tr[i], thread: this.vdo.threadNames[tr[i + 1]], step: STEP_NAMES[tr[i + 2]] });
      return out;
    });
  }
}

/** vdo_ctr */
export function vdoCtr(ctx: TargetContext, line: TableLine, args: TargetArgs): DmTarget {
  const config = parseDeviceConfig(line, args, (n) => ctx.lookupDevice(n));
  let params;
  try {
    params = parseVdoParams(ctx.params);
  } catch (err) {
    if (err instanceof InputError) throw args.error(`params.${err.field}: ${err.reason}`, err.field);
    throw err;
  }
  const tc = makeThreadConfig(config.threads);
  const layout = vdoLayout(config, params.slabSizeMb, tc.physicalZoneCount);
  if (tc.physicalZoneCount > layout.depot.slabs.length) {
    // vdo_decode_slab_depot (the kernel fails the load; vdo_ctr reports "Could not load VDO").
    throw args.error(
      `Could not load VDO (${tc.physicalZoneCount} physical zones exceeds slab count ${layout.depot.slabs.length}: ${config.physicalBlocks} blocks of storage, ${layout.firstSlabBlock} of them metadata, slabs of ${layout.depot.slabBlocks} blocks); table line: ${line.start} ${line.length} vdo ${config.originalString}`,
      'storage size',
    );
  }
  const cpus = targetCpus(ctx, 4);
  const vdo = new Vdo(ctx.sim, cpus, ctx.deviceName, config, params, VDO_DATA_PATH);
  return new VdoTarget(vdo, line.start);
}
