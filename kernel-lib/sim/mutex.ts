// Sleeping mutex (struct mutex): one owner; waiters sleep in FIFO order and give their CPU
// up. The owner is the process that locked it, and only it may unlock.
import { SimulationError } from './errors.js';
import type { SimEvent } from './event.js';
import type { Process } from './process.js';
import { registerLock, type ReportableLock } from './lock-report.js';
import { Semaphore } from './semaphore.js';
import type { LockStats } from './stats/lock-stats.js';
import type { Simulation } from './simulation.js';

export class Mutex extends Semaphore implements ReportableLock {
  /** The process holding the mutex, or null (also null when taken outside any process). */
  owner: Process<any> | null = null;
  private held = false;
  private since = 0;

  constructor(sim: Simulation, name = 'mutex') {
    super(sim, 1, name);
    registerLock(sim, this);
  }

  /** For the lock report: a sleeping lock. */
  get lockKind(): string {
    return 'mutex';
  }

  lockStats(): readonly LockStats[] {
    return [this.stats];
  }

  heldNs(now: number): number {
    return this.stats.holdTime.sum + (this.held ? now - this.since : 0);
  }

  get locked(): boolean {
    return this.held;
  }

  /** Yield the result; granted synchronously when the mutex is free. */
  lock(): SimEvent<undefined> {
    const me = this.sim.activeProcess;
    if (this.held && me !== null && me === this.owner) {
      throw new SimulationError(`process ${me.name} locked ${this.name}, which it already holds (self-deadlock)`);
    }
    return this.down();
  }

  tryLock(): boolean {
    return this.tryDown();
  }

  unlock(): void {
    const me = this.sim.activeProcess;
    if (!this.held) throw new SimulationError(`${me ? `process ${me.name}` : 'the simulation'} unlocked ${this.name}, which is not locked`);
    if (me !== null && this.owner !== null && me !== this.owner) {
      throw new SimulationError(`process ${me.name} unlocked ${this.name}, which is held by process ${this.owner.name}`);
    }
    this.stats.holdTime.add(this.sim.now - this.since);
    this.held = false;
    this.owner = null;
    this.up();
  }

  protected override acquired(who: Process<any> | null): void {
    this.held = true;
    this.owner = who;
    this.since = this.sim.now;
  }
}
