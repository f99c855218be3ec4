// struct dm_snap_pending_exception: a chunk whose copy-out is in flight. It holds the bios
// that must wait for it: origin writes (released after copy AND commit) and snapshot writes
// remapped to the future COW chunk (submitted at the same point), or the one full-chunk
// snapshot write that replaced the copy (ended at that point).
import type { Bio } from '../../block/bio.js';
import type { Thread } from '../../sim/cpu.js';
import type { ProcessGenerator } from '../../sim/index.js';
import type { KcopydJob } from '../kcopyd/job.js';

/** Whoever owns the pending exception: told when its commit is done (pending_complete). */
export interface PendingOwner {
  pendingComplete(pe: PendingException, success: boolean, worker: Thread): ProcessGenerator<void>;
}

export class PendingException {
  /** COW chunk (set by the store's prepare_exception). */
  newChunk = -1;
  /** Copy (or full-chunk write) started. */
  started = false;
  copyError = false;
  /** exception_sequence: allocation order, for in-order completion. */
  sequence = 0;
  /**
   * `snapshot.originWrite: primary-pe` (2.6.18-2.6.35): the exception of the same origin
   * write that holds the origin bios for all its siblings (null: not tied to an origin write),
   * and, on that primary, the references: one from its creation (get_pending_exception,
   * dropped by the origin write that made it primary once its loop is over) plus one per
   * sibling, dropped as each sibling completes (put_pending_exception).
   */
  primaryPe: PendingException | null = null;
  refCount = 0;
  /** Origin writes waiting (modern: on this exception; primary-pe: on all its siblings). */
  readonly originBios: Bio[] = [];
  readonly snapshotBios: Bio[] = [];
  /** The full-chunk snapshot write that replaced the copy, ended at pending_complete. */
  fullBio: Bio | null = null;
  fullBioStatus: string | null = null;
  /** The prepared kcopyd callback job of a full-chunk write. */
  callbackJob: KcopydJob | null = null;
  /** When the exception was allocated (statistics). */
  readonly createdAt: number;

  constructor(
    readonly owner: PendingOwner,
    /** Origin chunk (e.old_chunk). */
    readonly oldChunk: number,
    now: number,
  ) {
    this.createdAt = now;
  }

  /** The store's commit callback. */
  commitDone(success: boolean, worker: Thread): ProcessGenerator<void> {
    return this.owner.pendingComplete(this, success, worker);
  }
}
