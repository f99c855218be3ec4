// The in-flight COW limit of 5.4 on ("dm snapshot: rework COW throttling to fix deadlock"):
// s->in_progress counts chunk copies started and not yet called back (account_start_copy /
// account_end_copy). A WRITE to the snapshot, or an origin write through origin_map, first
// waits while in_progress is above cow_threshold (wait_for_in_progress), before it takes any
// snapshot lock; starting a copy never waits. (The first version, 5.3, used a semaphore taken
// at start_copy, which could deadlock: the model had that one before.) A woken waiter looks
// again (the kernel's `goto again`), so the limit can be passed by the copies of the writes
// admitted at once.
import type { SimEvent, Simulation } from '../../sim/index.js';

export class CowThrottle {
  /** s->in_progress */
  inProgress = 0;
  /** Times a writer had to wait, and the most copies in flight at once (statistics). */
  waits = 0;
  maxInProgress = 0;
  private waiters: SimEvent<undefined>[] = [];

  constructor(
    private readonly sim: Simulation,
    /** cow_threshold */
    readonly threshold: number,
  ) {}

  /** wait_for_in_progress: null when the writer may go on, else an event to sleep on and then look again. */
  wait(): SimEvent<undefined> | null {
    if (this.inProgress <= this.threshold) return null;
    this.waits++;
    const ev = this.sim.event<undefined>();
    this.waiters.push(ev);
    return ev;
  }

  /** account_start_copy */
  start(): void {
    if (++this.inProgress > this.maxInProgress) this.maxInProgress = this.inProgress;
  }

  /** account_end_copy: wake every waiter once the count is back at or below the threshold. */
  end(): void {
    if (--this.inProgress <= this.threshold && this.waiters.length > 0) {
      const w = this.waiters;
      this.waiters = [];
      for (let i = 0; i < w.length; i++) w[i].succeed(undefined);
    }
  }
}
