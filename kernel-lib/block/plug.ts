// The per-task plug of blk-mq (struct blk_plug): between blk_start_plug and blk_finish_plug a
// thread's requests collect in a list instead of going to the driver one by one, so that
// adjacent bios merge and the driver is kicked once. The list is flushed early at
// plug_max_requests requests (BLK_MAX_REQUEST_COUNT) or when its last request reached
// plug_flush_bytes (BLK_PLUG_FLUSH_SIZE), and whenever the thread is about to sleep in the
// block layer (schedule() flushes the plug). The 2.6-era legacy queue ignores it: it plugs the
// whole queue instead (see request-queue.ts).
import type { Thread } from '../sim/cpu.js';
import type { SimEvent } from '../sim/index.js';
import type { Request } from './request.js';

/** A queue that can take back the requests a plug held for it. */
export interface PlugTarget {
  flushPlugged(requests: Request[]): void;
}

export class BlkPlug {
  readonly entries: { queue: PlugTarget; rq: Request }[] = [];

  /** Requests held for `queue`. */
  countFor(queue: PlugTarget): number {
    let n = 0;
    for (const e of this.entries) if (e.queue === queue) n++;
    return n;
  }

  /** The most recently added request for `queue` (blk_attempt_plug_merge looks only there). */
  lastFor(queue: PlugTarget): Request | null {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i].queue === queue) return this.entries[i].rq;
    return null;
  }

  add(queue: PlugTarget, rq: Request): void {
    this.entries.push({ queue, rq });
  }

  /** blk_flush_plug_list: hand every held request to its queue, in order, one call per queue. */
  flush(only?: PlugTarget): void {
    // Nothing held (always so in front of the legacy queue): skip the grouping's allocations.
    if (this.entries.length === 0) return;
    const byQueue = new Map<PlugTarget, Request[]>();
    const keep: { queue: PlugTarget; rq: Request }[] = [];
    for (const e of this.entries) {
      if (only !== undefined && e.queue !== only) {
        keep.push(e);
        continue;
      }
      let list = byQueue.get(e.queue);
      if (list === undefined) byQueue.set(e.queue, (list = []));
      list.push(e.rq);
    }
    this.entries.length = 0;
    for (const e of keep) this.entries.push(e);
    for (const [queue, list] of byQueue) queue.flushPlugged(list);
  }
}

const plugs = new WeakMap<Thread, BlkPlug>();
/**
 * How many threads hold a plug right now. current->plug is read for every bio and at every
 * sleep (beforeSleep), and most runs never plug: with none held the lookup is skipped.
 */
let plugsHeld = 0;

/** blk_start_plug: the thread's bios collect in a plug until blkFinishPlug. Nested calls are no-ops. */
export function blkStartPlug(thread: Thread): void {
  if (!plugs.has(thread)) {
    plugs.set(thread, new BlkPlug());
    plugsHeld++;
  }
}

/** blk_finish_plug: flushes and removes the thread's plug. */
export function blkFinishPlug(thread: Thread): void {
  const plug = plugs.get(thread);
  if (plug === undefined) return;
  plugs.delete(thread);
  plugsHeld--;
  plug.flush();
}

/** current->plug. */
export function currentPlug(thread: Thread | null): BlkPlug | null {
  return thread === null || plugsHeld === 0 ? null : (plugs.get(thread) ?? null);
}

/**
 * The pre-sleep plug flush. Call before waiting on `ev` (`yield beforeSleep(t, ev)`) from a
 * thread that may hold a block plug: schedule() flushes the plug (sched_submit_work ->
 * blk_flush_plug) before sleeping, so bios the pass has queued are not
 * held hostage while the worker sleeps. Returns `ev`. A plain function, not a generator: it
 * runs at every lock and wait, and each `yield*` of a generator allocates one.
 */
export function beforeSleep<T>(t: Thread | null, ev: SimEvent<T>): SimEvent<T> {
  if (t !== null && !ev.processed && currentPlug(t) !== null) {
    blkFinishPlug(t);
    blkStartPlug(t);
  }
  return ev;
}
