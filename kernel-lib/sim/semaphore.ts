// Counting semaphore (struct semaphore): down() takes a unit or sleeps in FIFO order; up()
// gives one back, waking the first sleeper. Like the kernel's, it has no owner: any process
// may up() (5.3's dm-snapshot cow_count was taken in start_copy and given back in the kcopyd callback).
import { Deque } from './deque.js';
import { SimulationError, describe } from './errors.js';
import { PROCESSED, SimEvent } from './event.js';
import type { Process } from './process.js';
import type { Simulation } from './simulation.js';
import { LockStats } from './stats/lock-stats.js';

interface Waiting {
  event: SimEvent<undefined>;
  since: number;
  who: Process<any> | null;
}

export class Semaphore {
  readonly stats = new LockStats();
  protected readonly waiters = new Deque<Waiting>();
  private units: number;

  constructor(
    readonly sim: Simulation,
    readonly initial: number,
    readonly name = 'semaphore',
  ) {
    if (!(Number.isInteger(initial) && initial >= 0)) {
      throw new SimulationError(`${name}: initial count must be a non-negative integer, got ${describe(initial)}`);
    }
    this.units = initial;
  }

  /** Units available now. */
  get count(): number {
    return this.units;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Takes a unit; yield the result. Granted synchronously when a unit is free. */
  down(): SimEvent<undefined> {
    const ev = this.makeEvent();
    this.stats.acquisitions++;
    if (this.units > 0 && this.waiters.length === 0) {
      this.units--;
      this.stats.waitTime.add(0);
      ev.state = PROCESSED;
      this.acquired(this.sim.activeProcess);
    } else {
      this.stats.contentions++;
      this.waiters.push({ event: ev, since: this.sim.now, who: this.sim.activeProcess });
    }
    return ev;
  }

  /** down_trylock: takes a unit if one is free, without waiting. */
  tryDown(): boolean {
    if (this.units > 0 && this.waiters.length === 0) {
      this.units--;
      this.stats.acquisitions++;
      this.stats.waitTime.add(0);
      this.acquired(this.sim.activeProcess);
      return true;
    }
    return false;
  }

  up(): void {
    const w = this.waiters.shift();
    if (w === undefined) {
      this.units++;
      return;
    }
    // Hand the unit straight to the first sleeper: nobody can slip in between.
    this.stats.waitTime.add(this.sim.now - w.since);
    this.acquired(w.who);
    w.event.succeed(undefined);
  }

  /** The event type waiters get (spinlocks override it to keep their core). */
  protected makeEvent(): SimEvent<undefined> {
    return new SimEvent<undefined>(this.sim);
  }

  /** Hook for owner tracking in subclasses: `who` now holds a unit. */
  protected acquired(_who: Process<any> | null): void {}
}
