// The origin side: the registry of snapshots per origin device (_origins) and the origin write
// path (do_origin / __origin_write), used by the snapshot-origin target and by
// pending_complete when it re-runs held origin writes.
//
// First write to a chunk: for each snapshot of the origin that has neither a pending nor a
// complete exception for it, allocate one and start its copy. The bio waits on the pending
// exception of the FIRST snapshot that needed one, whose copy is started LAST "to give the
// other exceptions a head start"; when that one completes the bio is re-run here and may wait
// on another snapshot's exception; when nothing is left it goes to the origin. Later writes
// to a copied chunk find the complete exception and pass straight through.
//
// That is the modern scheme (`snapshot.originWrite: retry`, 2.6.36 on [R]). Before it
// (`primary-pe`, 2.6.18 to 2.6.35) __origin_write held the snapshot's lock (down_write) per
// snapshot while it looked up and allocated, tied every exception the write needed to the
// first one (the primary_pe, which holds the bio and a ref_count), and started the copies
// after the loop, in list order; the bio goes to the origin when the last sibling completes
// (put_pending_exception in pending_complete), without another pass through do_origin.
import type { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import type { Thread } from '../../sim/cpu.js';
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import { SNAPSHOT_COSTS as C } from './costs.js';
import type { BucketPair } from './locking.js';
import { chainWalk } from './exception-table.js';
import type { PendingException } from './pending-exception.js';
import type { OriginSnapshot } from './origin-snapshot.js';

/** struct origin: one origin device and its snapshots. */
export class Origin {
  readonly snapshots: OriginSnapshot[] = [];

  constructor(readonly dev: BlockDevice) {}

  /** split_boundary: the smallest chunk size of its snapshots (0 without snapshots). */
  get splitBoundary(): number {
    let min = 0;
    for (const s of this.snapshots) if (min === 0 || s.chunkSectors < min) min = s.chunkSectors;
    return min;
  }

  /** __insert_snapshot: modern kernels keep the list sorted by chunk size, largest first. */
  add(snap: OriginSnapshot): void {
    let i = 0;
    while (i < this.snapshots.length && this.snapshots[i].chunkSectors >= snap.chunkSectors) i++;
    this.snapshots.splice(i, 0, snap);
  }
}

const registries = new WeakMap<Simulation, Map<BlockDevice, Origin>>();

/** __lookup_origin, creating the entry on first use. */
export function originFor(sim: Simulation, dev: BlockDevice): Origin {
  let reg = registries.get(sim);
  if (reg === undefined) registries.set(sim, (reg = new Map()));
  let o = reg.get(dev);
  if (o === undefined) reg.set(dev, (o = new Origin(dev)));
  return o;
}

/**
 * do_origin for a write of at most one chunk of every snapshot (`bio.sector` on the origin
 * device). Returns true when the bio was queued on a pending exception (DM_MAPIO_SUBMITTED),
 * false when it may go to the origin now (DM_MAPIO_REMAPPED).
 */
export function doOrigin(origin: Origin, bio: Bio, thread: Thread | null, limit: boolean): ProcessGenerator<boolean> {
  // A plain function handing back the scheme's generator: no frame of its own per write.
  const snaps = origin.snapshots;
  if (snaps.length > 0 && snaps[0].params.originWrite === 'primary-pe') return originWritePrimaryPe(origin, bio, thread);
  return originWriteRetry(origin, bio.sector, bio, thread, limit);
}

/**
 * origin_write_extent's __origin_write(..., NULL) for one piece of a merge batch: start the
 * exceptions the other snapshots need at `sector`, queue nothing. True when some are still
 * pending (the merge must wait and look again). Always the modern scheme: snapshot-merge came
 * (2.6.33) with the kernels that were about to drop primary_pe, and a null bio has no primary.
 */
export function originWriteExtent(origin: Origin, sector: number, thread: Thread | null): ProcessGenerator<boolean> {
  return originWriteRetry(origin, sector, null, thread, false);
}

/** The modern __origin_write: wait on the first snapshot's exception, re-run when it completes. */
function* originWriteRetry(origin: Origin, sector: number, bio: Bio | null, thread: Thread | null, limit: boolean): ProcessGenerator<boolean> {
  // do_origin(limit): origin_map's writes first wait for every snapshot's in-flight COW
  // limit (5.4 on), before any lock; a write re-run from pending_complete does not.
  if (limit) for (let i = 0; i < origin.snapshots.length; i++) if (origin.snapshots[i].cowThrottle !== null) yield* origin.snapshots[i].waitForInProgress(thread);
  let held = false;
  let toStartLast: PendingException | null = null;
  let pending: Bio | null = bio;
  const snaps = origin.snapshots;
  for (let i = 0; i < snaps.length; i++) {
    const snap = snaps[i];
    // "Don't make new exceptions in a merging snapshot because it has effectively been deleted"
    if (snap.merging || !snap.active || sector >= snap.lengthSectors) continue;
    const chunk = snap.chunkOf(sector);
    let lock = yield* snap.locks.enter(thread, chunk, C.lookupNs);
    if (!snap.valid) {
      snap.locks.exit(lock);
      continue;
    }
    // dm_lookup_exception(&snap->complete): a walk of the chunk's hash chain.
    const done = snap.complete.lookup(chunk) !== undefined;
    const walk = chainWalk(snap.sim, thread, snap.complete, chunk, snap.complete.lookupSteps(chunk, done));
    if (walk !== null) yield walk;
    let pe = done ? undefined : snap.pending.lookup(chunk);
    let toStartNow: PendingException | null = null;
    if (pe === undefined) {
      if (done) {
        snap.locks.exit(lock);
        continue;
      }
      // alloc_pending_exception may sleep: drop the lock, allocate, relock and look again,
      // the complete table first (a second walk of the chain, now cached) [S S-414].
      lock = yield* allocateRelocked(snap, chunk, thread, lock);
      if (snap.valid) {
        const again = chainWalk(snap.sim, thread, snap.complete, chunk, snap.complete.lookupSteps(chunk, snap.complete.lookup(chunk) !== undefined));
        if (again !== null) yield again;
      }
      pe = snap.pending.lookup(chunk);
      if (pe !== undefined) snap.pendingPool.free(); // raced: __find_pending_exception frees ours
      else {
        if (!snap.valid || snap.complete.lookup(chunk) !== undefined) {
          snap.pendingPool.free();
          snap.locks.exit(lock);
          continue;
        }
        const fresh = originPending(snap, yield* snap.newPending(chunk, thread), lock);
        if (fresh === null) continue;
        pe = fresh;
      }
    }
    held = true;
    if (pending !== null) {
      pe.originBios.push(pending);
      snap.counters.heldOriginBios++;
      pending = null;
      if (!pe.started) {
        pe.started = true;
        toStartLast = pe;
      }
    }
    if (!pe.started) {
      pe.started = true;
      toStartNow = pe;
    }
    snap.locks.exit(lock);
    if (toStartNow !== null) yield* snap.startCopy(toStartNow, thread);
  }
  if (toStartLast !== null) yield* (toStartLast.owner as OriginSnapshot).startCopy(toStartLast, thread);
  return held;
}

/**
 * The 2.6.18-2.6.35 __origin_write: per snapshot, under its lock, find or allocate the
 * pending exception; tie it to the write's primary_pe; queue it if not started. Then start the
 * queued copies in list order. The bio is on primary_pe.originBios until every sibling has
 * completed (pendingComplete's putPendingException sends it to the origin).
 */
function* originWritePrimaryPe(origin: Origin, bio: Bio, thread: Thread | null): ProcessGenerator<boolean> {
  let primary: PendingException | null = null;
  let first = false;
  /** Exceptions to start after the loop (allocated only when there is one: most writes find the chunk copied). */
  let queue: PendingException[] | null = null;
  const snaps = origin.snapshots;
  for (let i = 0; i < snaps.length; i++) {
    const snap = snaps[i];
    // "Don't make new exceptions in a merging snapshot because it has effectively been deleted"
    if (snap.merging || !snap.active || bio.sector >= snap.lengthSectors) continue;
    const chunk = snap.chunkOf(bio.sector);
    let lock = yield* snap.locks.enter(thread, chunk, C.lookupNs);
    const done = snap.complete.lookup(chunk) !== undefined;
    const walk = chainWalk(snap.sim, thread, snap.complete, chunk, snap.complete.lookupSteps(chunk, done));
    if (walk !== null) yield walk;
    if (!snap.valid || done) {
      snap.locks.exit(lock);
      continue;
    }
    // __find_pending_exception: the pending table, else drop the lock to allocate, relock,
    // look again (the re-check of the complete table is the 2.6.3x code's; 2.6.18 lacked it).
    let pe = snap.pending.lookup(chunk);
    if (pe === undefined) {
      lock = yield* allocateRelocked(snap, chunk, thread, lock);
      if (snap.valid) {
        const again = chainWalk(snap.sim, thread, snap.complete, chunk, snap.complete.lookupSteps(chunk, snap.complete.lookup(chunk) !== undefined));
        if (again !== null) yield again;
      }
      if (!snap.valid || snap.complete.lookup(chunk) !== undefined) {
        snap.pendingPool.free();
        snap.locks.exit(lock);
        continue;
      }
      pe = snap.pending.lookup(chunk);
      if (pe !== undefined) snap.pendingPool.free();
      else {
        const fresh = originPending(snap, yield* snap.newPending(chunk, thread), lock);
        if (fresh === null) continue;
        pe = fresh;
      }
    }
    if (primary === null) {
      // "Either every pe here has same primary_pe or none has one yet."
      if (pe.primaryPe !== null) primary = pe.primaryPe;
      else {
        primary = pe;
        first = true;
      }
      primary.originBios.push(bio);
      snap.counters.heldOriginBios++;
    }
    if (pe.primaryPe === null) {
      pe.primaryPe = primary;
      primary.refCount++;
    }
    if (!pe.started) {
      pe.started = true;
      (queue ??= []).push(pe);
    }
    snap.locks.exit(lock);
  }
  if (primary === null) return false;
  // The primary's creation reference kept it alive through the loop. If every sibling
  // completed meanwhile, the bios are ours to send (the queue is empty then).
  if (first && --primary.refCount === 0) {
    const bios = primary.originBios.splice(0);
    for (let i = 0; i < bios.length; i++) yield* origin.dev.submit(bios[i]);
    return true;
  }
  if (queue !== null) for (let i = 0; i < queue.length; i++) yield* (queue[i].owner as OriginSnapshot).startCopy(queue[i], thread);
  return true;
}

/**
 * put_pending_exception: `pe` has completed; drop its reference on its primary. Returns the
 * origin bios to send when it was the last sibling (empty otherwise).
 */
/**
 * alloc_pending_exception may sleep: the lock is dropped, the allocation paid for, and the
 * lock taken again (the caller then looks again: things may have changed meanwhile).
 */
function* allocateRelocked(snap: OriginSnapshot, chunk: number, thread: Thread | null, lock: BucketPair | null): ProcessGenerator<BucketPair | null> {
  snap.locks.exit(lock);
  yield* snap.allocPending(thread);
  return yield* snap.locks.enter(thread, chunk, C.lookupNs);
}

/**
 * The new pending exception of an origin write, counted; or null when the COW device is full:
 * the snapshot is invalid now, its lock is released and the write goes on without it. A plain
 * function (not a generator) so that both bookkeeping schemes share it at no allocation.
 */
function originPending(snap: OriginSnapshot, fresh: PendingException | null, lock: BucketPair | null): PendingException | null {
  if (fresh === null) {
    snap.pendingPool.free();
    snap.locks.exit(lock);
    return null;
  }
  snap.counters.originCopies++;
  return fresh;
}

export function putPendingException(pe: PendingException): readonly Bio[] {
  const primary = pe.primaryPe;
  if (primary !== null && --primary.refCount === 0) return primary.originBios.splice(0);
  return NO_BIOS;
}

/** What putPendingException returns for a sibling that was not the last: one array for all. */
const NO_BIOS: readonly Bio[] = Object.freeze([]);
