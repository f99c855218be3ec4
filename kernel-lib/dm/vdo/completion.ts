// struct vdo_completion: what moves between VDO's threads. A completion names the callback to
// run next (`step`, one of the steps in steps.ts), the thread that must run it
// (callback_thread_id) and its priority on that thread's queue. vdo_launch_completion runs
// the callback at once when the caller already is on that thread (and `requeue` is not set),
// and otherwise enqueues it there: that enqueue is a handoff, the "message" VDO's authors
// count. For the structure-locking design a completion also names the structure whose lock
// the step needs (the zone the thread would own), -1 for steps that touch no shared structure.
import type { Bio } from '../../block/bio.js';

export class VdoCompletion {
  step = 0;
  thread = 0;
  priority = 0;
  structure = -1;
  requeue = false;
  /** Handoffs (enqueues) this completion made; a data_vio's count is its write's handoffs. */
  handoffs = 0;
}

/** A metadata vio: a journal block, a block-map page or a slab-journal block on its way to storage. */
export class MetadataVio extends VdoCompletion {
  bio: Bio | null = null;
  /** What the owner does when the I/O ends: the step and the thread to run it on. */
  doneStep = 0;
  doneThread = 0;
  doneStructure = -1;
  /** Owner-specific: the journal block, the page number... */
  key = 0;
  owner: unknown = null;
  /** What the I/O writes or reads. */
  op: 'read' | 'write' | 'flush' = 'write';
  pbn = 0;
  flags = 0;
  /** The content token the write carries (bio payload fingerprint), 0 for none. */
  token = 0;
}
