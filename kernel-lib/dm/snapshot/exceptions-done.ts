// _pending_exceptions_done_count and its wait queue (dm-snap.c): a module-wide count of
// pending exceptions completed, bumped by every pending_complete. A merge that had to make
// exceptions in other snapshots before overwriting the origin (origin_write_extent) sleeps
// until the count moves, then looks again. One per simulation.
import type { SimEvent, Simulation } from '../../sim/index.js';

export class ExceptionsDone {
  count = 0;
  private waiters: SimEvent<undefined>[] = [];

  constructor(private readonly sim: Simulation) {}

  /** increment_pending_exceptions_done_count: wake_up_all. Nothing to do without waiters. */
  increment(): void {
    this.count++;
    if (this.waiters.length === 0) return;
    const w = this.waiters;
    this.waiters = [];
    for (let i = 0; i < w.length; i++) w[i].succeed(undefined);
  }

  /** An event that fires at the next increment. */
  next(): SimEvent<undefined> {
    const ev = this.sim.event<undefined>();
    this.waiters.push(ev);
    return ev;
  }
}

const counts = new WeakMap<Simulation, ExceptionsDone>();

export function exceptionsDone(sim: Simulation): ExceptionsDone {
  let d = counts.get(sim);
  if (d === undefined) counts.set(sim, (d = new ExceptionsDone(sim)));
  return d;
}
