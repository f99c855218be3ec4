// Sleeping mutex (struct mutex): one owner; waiters sleep in FIFO order and give their CPU
// up. The owner is the process that locked it, and only it may unlock.
//
// Optimistic spinning (`spinOnOwner`, kernel/locking/mutex.c since 2.6.29, "mutex: implement
// adaptive spinning"; rw-semaphore writers since 3.16): a task that finds the lock taken
// while its owner is running on a CPU does not sleep: it spins (keeps its core, burning CPU
// time, mutex_spin_on_owner) and takes the lock the moment it is released, ahead of the tasks
// asleep on it (they need a wakeup before they can try again). A task that finds the owner
// NOT running (asleep or preempted) sleeps at once. Spinners queue in arrival order (the MCS
// "osq" of 3.15 on). Simplification: the choice is made when the task arrives; a spinner whose
// owner goes to sleep meanwhile keeps spinning until the release (the kernel would stop and
// sleep). The spin time is charged to the spinner's thread as CPU time.
import { SimulationError } from './errors.js';
import type { SimEvent } from './event.js';
import type { Process } from './process.js';
import { registerLock, type ReportableLock } from './lock-report.js';
import { Semaphore } from './semaphore.js';
import type { LockStats } from './stats/lock-stats.js';
import type { Simulation } from './simulation.js';
import { SpinWait, type Thread } from './cpu.js';
import { Deque } from './deque.js';

export interface MutexOptions {
  /** Optimistic spinning on a running owner before sleeping (see above). Default false. */
  spinOnOwner?: boolean;
}

interface Spinner {
  event: SpinWait<undefined>;
  since: number;
  who: Process<any> | null;
}

export class Mutex extends Semaphore implements ReportableLock {
  /** The process holding the mutex, or null (also null when taken outside any process). */
  owner: Process<any> | null = null;
  private held = false;
  private since = 0;
  readonly spinOnOwner: boolean;
  /** Tasks spinning on the owner, in arrival order (null until the first spinner). */
  private spinners: Deque<Spinner> | null = null;
  /** Acquisitions that spun (statistics), and the CPU time spent spinning (ns). */
  spins = 0;
  spinNs = 0;

  constructor(sim: Simulation, name = 'mutex', options: MutexOptions = {}) {
    super(sim, 1, name);
    this.spinOnOwner = options.spinOnOwner ?? false;
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
    if (this.spinOnOwner && this.held && me !== null && ownerRunning(this.owner)) {
      // mutex_optimistic_spin: the owner is on a CPU, so it will release soon; spin.
      const ev = new SpinWait<undefined>(this.sim);
      this.stats.acquisitions++;
      this.stats.contentions++;
      (this.spinners ??= new Deque<Spinner>()).push({ event: ev, since: this.sim.now, who: me });
      return ev;
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
    const s = this.spinners?.shift();
    if (s !== undefined) {
      // A spinner sees the release at once and takes the lock before any sleeper wakes.
      const waited = this.sim.now - s.since;
      this.stats.waitTime.add(waited);
      this.spins++;
      this.spinNs += waited;
      const t = s.who?.context as Thread | null | undefined;
      if (t !== null && t !== undefined && 'cpuNs' in t) t.cpuNs += waited;
      this.acquired(s.who);
      s.event.succeed(undefined);
      return;
    }
    this.up();
  }

  protected override acquired(who: Process<any> | null): void {
    this.held = true;
    this.owner = who;
    this.since = this.sim.now;
  }
}

/** Whether the owner is running on a CPU now (owner->on_cpu); false without a CPU model. */
function ownerRunning(owner: Process<any> | null): boolean {
  const t = owner?.context as Thread | null | undefined;
  return t !== null && t !== undefined && 'core' in t && t.core !== null;
}
