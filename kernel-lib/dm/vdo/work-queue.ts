// A VDO work queue (funnel-workqueue.c): completions wait in one list per priority
// (VDO_WORK_Q_MAX_PRIORITY levels; the highest non-empty level is served first, FIFO within a
// level); the funnel queue lets any thread add without a lock. The thread serving the queue
// drains it completion after completion and only sleeps when it finds it empty: whoever adds
// to the queue of a sleeping thread wakes it, so one wake-up serves a whole batch. The counts
// here (messages in, wake-ups, batch sizes) are what the thread report shows for VDO.
import { Deque } from '../../sim/deque.js';
import type { VdoCompletion } from './completion.js';

/** VDO_WORK_Q_MAX_PRIORITY + 1 levels. */
export const WORK_QUEUE_PRIORITY_LEVELS = 4;

export class VdoWorkQueue {
  private readonly levels: Deque<VdoCompletion>[] = [];
  size = 0;
  /** Completions enqueued (messages received). */
  enqueued = 0;
  /** Times a sleeping server was woken for this queue. */
  wakeups = 0;
  /** Completions served per wake-up (sum; divide by wakeups for the mean batch). */
  served = 0;

  constructor(readonly name: string) {
    for (let i = 0; i < WORK_QUEUE_PRIORITY_LEVELS; i++) this.levels.push(new Deque<VdoCompletion>());
  }

  put(c: VdoCompletion): void {
    this.levels[c.priority].push(c);
    this.size++;
    this.enqueued++;
  }

  /** The next completion: highest priority first, FIFO within a priority; null when empty. */
  poll(): VdoCompletion | null {
    if (this.size === 0) return null;
    for (let p = WORK_QUEUE_PRIORITY_LEVELS - 1; p >= 0; p--) {
      const c = this.levels[p].shift();
      if (c !== undefined) {
        this.size--;
        return c;
      }
    }
    return null;
  }
}
