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
import type { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import type { Thread } from '../../sim/cpu.js';
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import { SNAPSHOT_COSTS as C } from './costs.js';
import { charge } from './locking.js';
import type { PendingException } from './pending-exception.js';
import type { Snapshot } from './snapshot.js';

/** struct origin: one origin device and its snapshots. */
export class Origin {
  readonly snapshots: Snapshot[] = [];

  constructor(readonly dev: BlockDevice) {}

  /** split_boundary: the smallest chunk size of its snapshots (0 without snapshots). */
  get splitBoundary(): number {
    let min = 0;
    for (const s of this.snapshots) if (min === 0 || s.chunkSectors < min) min = s.chunkSectors;
    return min;
  }

  /** __insert_snapshot: modern kernels keep the list sorted by chunk size, largest first. */
  add(snap: Snapshot): void {
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
export function* doOrigin(origin: Origin, bio: Bio, thread: Thread | null, _limit: boolean): ProcessGenerator<boolean> {
  let held = false;
  let toStartLast: PendingException | null = null;
  let pending: Bio | null = bio;
  const snaps = origin.snapshots;
  for (let i = 0; i < snaps.length; i++) {
    const snap = snaps[i];
    if (bio.sector >= snap.lengthSectors) continue;
    const chunk = snap.chunkOf(bio.sector);
    let lock = yield* snap.locks.enter(thread, chunk, C.lookupNs);
    if (!snap.valid) {
      snap.locks.exit(lock);
      continue;
    }
    let pe = snap.pending.lookup(chunk);
    let toStartNow: PendingException | null = null;
    if (pe === undefined) {
      if (snap.complete.lookup(chunk) !== undefined) {
        snap.locks.exit(lock);
        continue;
      }
      // alloc_pending_exception may sleep: drop the lock, allocate, relock and look again.
      snap.locks.exit(lock);
      yield* charge(snap.sim, thread, C.allocPendingNs);
      lock = yield* snap.locks.enter(thread, chunk, C.lookupNs);
      pe = snap.pending.lookup(chunk);
      if (pe === undefined) {
        if (!snap.valid || snap.complete.lookup(chunk) !== undefined) {
          snap.locks.exit(lock);
          continue;
        }
        const fresh = yield* snap.newPending(chunk, thread);
        if (fresh === null) {
          // The COW device is full: the snapshot is invalid now; the write goes on.
          snap.locks.exit(lock);
          continue;
        }
        pe = fresh;
        snap.counters.originCopies++;
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
  if (toStartLast !== null) yield* (toStartLast.owner as Snapshot).startCopy(toStartLast, thread);
  return held;
}
