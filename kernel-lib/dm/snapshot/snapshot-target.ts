// The `snapshot` target: `0 <len> snapshot <origin dev> <COW dev> <P|PO|N> <chunk size>
// [<#feature args> [discard_zeroes_cow] [discard_passdown_origin]]` (table-args.ts)
// (chunk size in sectors: a power of two, at least the COW device's logical block; 0 with P
// means the default 32 sectors, DM_CHUNK_SIZE_DEFAULT_SECTORS). Parameters: `snapshot.*`
// (params.ts) and `kcopyd.*` (../kcopyd/params.ts), with era presets from `kernel`.
import type { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import type { ProcessGenerator } from '../../sim/index.js';
import { InputError } from '../../base/input-error.js';
import { parseKcopydParams } from '../kcopyd/params.js';
import type { TableLine } from '../table.js';
import type { SimEvent } from '../../sim/index.js';
import { targetCpus, type DiscardLimits, type DmTarget, type TargetArgs, type TargetContext, type TargetHealth } from '../target-registry.js';
import type { ExceptionStore } from './exception-store.js';
import { originFor } from './origin.js';
import { parseSnapshotParams } from './params.js';
import { PersistentStore } from './persistent-store.js';
import { Snapshot } from './snapshot.js';
import { TransientStore } from './transient-store.js';
import { parseSnapshotStoreArgs } from './table-args.js';

/** SNAPSHOT_PAGES: what a 2.6-era snapshot gave its kcopyd client ("1 MB for each snapshot"). */
export const SNAPSHOT_PAGES = 256;
/** DM_CHUNK_SIZE_DEFAULT_SECTORS */
export const DEFAULT_CHUNK_SECTORS = 32;

export class SnapshotTarget implements DmTarget {
  readonly type = 'snapshot';
  readonly devices: readonly BlockDevice[];
  readonly maxIoLen: number;
  /** The persistent store's header I/O, done before the device is used (snapshot_ctr/preresume). */
  readonly ready: SimEvent<unknown> | null;
  /** discard_zeroes_cow: discards cut at chunk boundaries (snapshot_io_hints). */
  readonly discardLimits?: DiscardLimits;

  constructor(
    readonly begin: number,
    readonly snap: Snapshot,
  ) {
    this.devices = [snap.origin.dev, snap.cow];
    this.ready = snap.setup;
    // ti->max_io_len = chunk size: dm core splits snapshot bios at chunk boundaries.
    this.maxIoLen = snap.chunkSectors;
    if (snap.features.discardZeroesCow) this.discardLimits = { maxSectors: snap.chunkSectors, granularity: snap.chunkSectors };
  }

  map(clone: Bio): ProcessGenerator<BlockDevice | null> {
    const offset = clone.sector - this.begin;
    return this.snap.map(clone, offset);
  }

  status(): Record<string, unknown> {
    return this.snap.status();
  }

  /** snapshot_status: `<sectors allocated>/<total sectors> <metadata sectors>`, `Overflow` or `Invalid`. */
  statusLine(): string {
    return this.snap.status().dmsetup as string;
  }

  health(): TargetHealth {
    const snap = this.snap;
    if (snap.valid && snap.overflowed) {
      const at = (snap.overflowAt / 1e9).toFixed(3);
      return { state: 'Overflow', warning: `snapshot ${snap.name} overflowed at ${at} s (PO store: the COW device is full); it stays readable, writes to it fail with EIO` };
    }
    if (snap.valid) return { state: 'ok' };
    const reason = snap.invalidReason ?? 'unknown reason';
    const at = Number.isFinite(snap.invalidAt) ? ` at ${(snap.invalidAt / 1e9).toFixed(3)} s` : '';
    const why = reason === 'ENOSPC' ? ': the COW device is full' : '';
    return {
      state: 'Invalid',
      warning: `snapshot ${snap.name} is Invalid (${reason}${at})${why}; origin writes went on, I/O to the snapshot fails with EIO from then on`,
    };
  }
}


/** Rethrows a parameter error at the table line, naming the parameter. */
function paramError(args: TargetArgs, err: unknown): never {
  if (err instanceof InputError) throw args.error(`params.${err.field}: ${err.reason}`, err.field);
  throw err;
}

/**
 * snapshot_ctr, shared by the snapshot and snapshot-merge targets: reads the table, builds the
 * store and the snapshot and registers it with its origin. `merge`: the snapshot-merge target,
 * which needs a persistent store and takes over the exceptions of a snapshot already on the
 * same COW device (the handover), if there is one.
 */
export function buildSnapshot(ctx: TargetContext, line: TableLine, args: TargetArgs, merge: boolean): Snapshot {
  args.expectCount(4, Infinity, ['origin dev', 'COW dev', 'P|N', 'chunk size']);
  const features = parseSnapshotStoreArgs(args);
  const kind = features.kind;
  if (merge && kind === 'N') throw args.error('a transient (N) snapshot cannot be merged: snapshot-merge needs a persistent store (P or PO)', 'P|N');
  const originDev = args.device(0, 'origin dev');
  const cow = args.device(1, 'COW dev');
  if (cow === originDev) throw args.error('the COW device cannot be the origin device', 'COW dev');
  let chunk = args.integer(3, 'chunk size');
  const lbs = cow.logicalBlockSize / 512;
  if (chunk === 0) {
    if (kind !== 'P') throw args.error('<chunk size> 0 is only valid for a persistent store, which then uses its default (32 sectors)', 'chunk size');
    chunk = Math.max(DEFAULT_CHUNK_SECTORS, lbs);
  }
  // dm_exception_store_set_chunk_size
  if ((chunk & (chunk - 1)) !== 0) throw args.error(`<chunk size> must be a power of 2 sectors, got ${chunk}`, 'chunk size');
  if (chunk < lbs) throw args.error(`<chunk size> ${chunk} sectors is smaller than the COW device's logical block (${lbs} sectors)`, 'chunk size');
  if (line.length > originDev.sizeSectors) throw args.error(`origin ${originDev.name} has ${originDev.sizeSectors} sectors, fewer than the target's ${line.length}`, 'origin dev');
  let params;
  let kcopyd;
  try {
    params = parseSnapshotParams(ctx.params);
    kcopyd = parseKcopydParams(ctx.params);
  } catch (err) {
    paramError(args, err);
  }
  // 2.6 kernels gave each snapshot's kcopyd client SNAPSHOT_PAGES; modern ones only the reserve.
  if (kcopyd.pool === 'hard' && ctx.params['kcopyd.pages'] === undefined) kcopyd.pages = SNAPSHOT_PAGES;
  const origin = originFor(ctx.sim, originDev);
  // __find_snapshots_sharing_cow: a snapshot already on this COW hands its exceptions over.
  const source = merge ? ((origin.snapshots.find((o) => o instanceof Snapshot && o.cow === cow && !o.merging) as Snapshot | undefined) ?? null) : null;
  const store: ExceptionStore = source !== null ? source.store : kind === 'P' ? new PersistentStore(ctx.sim, cow, chunk, params.commitFlags, params.zeroNextArea) : new TransientStore(cow, chunk);
  const minSectors = kind === 'P' ? 3 * chunk : chunk;
  if (cow.sizeSectors < minSectors) throw args.error(`COW device ${cow.name} (${cow.sizeSectors} sectors) cannot hold even one exception with chunk ${chunk}`, 'COW dev');
  let snap: Snapshot;
  try {
    snap = new Snapshot(ctx.sim, targetCpus(ctx, 1), ctx.deviceName, origin, cow, store, line.length, params, kcopyd, features, source);
  } catch (err) {
    paramError(args, err);
  }
  origin.add(snap);
  return snap;
}

export function snapshotCtr(ctx: TargetContext, line: TableLine, args: TargetArgs): DmTarget {
  return new SnapshotTarget(line.start, buildSnapshot(ctx, line, args, false));
}
