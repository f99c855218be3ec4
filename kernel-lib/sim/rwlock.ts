// Reader-writer lock (struct rw_semaphore): many readers or one writer. The policy decides who
// goes first when both wait:
// - 'fifo'   (the kernel's rwsem): strict arrival order; a reader arriving behind a waiting
//            writer waits too, and a released lock wakes the writer at the head or the run
//            of readers at the head;
// - 'reader': readers enter whenever no writer holds the lock (writers can starve);
// - 'writer': a waiting writer blocks new readers and is woken before waiting readers.
import { Deque } from './deque.js';
import { SimulationError, describe } from './errors.js';
import { PROCESSED, SimEvent } from './event.js';
import type { Simulation } from './simulation.js';
import { registerLock, type ReportableLock } from './lock-report.js';
import { LockStats } from './stats/lock-stats.js';

export type RwLockPolicy = 'fifo' | 'reader' | 'writer';

interface Waiting {
  event: SimEvent<undefined>;
  write: boolean;
  since: number;
}

export class RwLock implements ReportableLock {
  readonly lockKind = 'rwsem';
  /** ns held for read (by one reader or more) before the current read hold. */
  private readHeldNs = 0;
  private readSince = 0;
  readonly readStats = new LockStats();
  readonly writeStats = new LockStats();
  private readers = 0;
  private writer = false;
  private writeSince = 0;
  /** All waiters in arrival order ('fifo'), or readers only (other policies). */
  private readonly queue = new Deque<Waiting>();
  /** Waiting writers, for the 'reader' and 'writer' policies. */
  private readonly writers = new Deque<Waiting>();

  constructor(
    readonly sim: Simulation,
    readonly name = 'rwlock',
    readonly policy: RwLockPolicy = 'fifo',
  ) {
    if (policy !== 'fifo' && policy !== 'reader' && policy !== 'writer') {
      throw new SimulationError(`${name}: policy must be 'fifo', 'reader' or 'writer', got ${describe(policy)}`);
    }
    registerLock(sim, this);
  }

  lockStats(): readonly LockStats[] {
    return [this.readStats, this.writeStats];
  }

  /** Held in either mode: write holds plus the time with at least one reader in. */
  heldNs(now: number): number {
    return this.writeStats.holdTime.sum + (this.writer ? now - this.writeSince : 0) + this.readHeldNs + (this.readers > 0 ? now - this.readSince : 0);
  }

  get readHolders(): number {
    return this.readers;
  }

  get writeHeld(): boolean {
    return this.writer;
  }

  /** down_read. Yield the result. */
  readLock(): SimEvent<undefined> {
    const ev = new SimEvent<undefined>(this.sim);
    this.readStats.acquisitions++;
    if (!this.writer && this.readerMayEnter()) {
      if (this.readers++ === 0) this.readSince = this.sim.now;
      this.readStats.waitTime.add(0);
      ev.state = PROCESSED;
    } else {
      this.readStats.contentions++;
      this.queue.push({ event: ev, write: false, since: this.sim.now });
    }
    return ev;
  }

  /** down_write. Yield the result. */
  writeLock(): SimEvent<undefined> {
    const ev = new SimEvent<undefined>(this.sim);
    this.writeStats.acquisitions++;
    if (!this.writer && this.readers === 0 && this.queue.length === 0 && this.writers.length === 0) {
      this.writer = true;
      this.writeSince = this.sim.now;
      this.writeStats.waitTime.add(0);
      ev.state = PROCESSED;
    } else {
      this.writeStats.contentions++;
      const w = { event: ev, write: true, since: this.sim.now };
      if (this.policy === 'fifo') this.queue.push(w);
      else this.writers.push(w);
    }
    return ev;
  }

  readUnlock(): void {
    if (this.readers === 0) throw new SimulationError(`${this.who()} released ${this.name} for read, but no reader holds it`);
    if (--this.readers === 0) {
      this.readHeldNs += this.sim.now - this.readSince;
      this.wake();
    }
  }

  writeUnlock(): void {
    if (!this.writer) throw new SimulationError(`${this.who()} released ${this.name} for write, but no writer holds it`);
    this.writeStats.holdTime.add(this.sim.now - this.writeSince);
    this.writer = false;
    this.wake();
  }

  private readerMayEnter(): boolean {
    if (this.policy === 'reader') return true;
    if (this.policy === 'writer') return this.writers.length === 0;
    return this.queue.length === 0;
  }

  private wake(): void {
    if (this.policy === 'fifo') {
      const head = this.queue.peek();
      if (head === undefined) return;
      if (head.write) {
        if (this.readers === 0) this.grantWriter(this.queue.shift() as Waiting);
        return;
      }
      while (this.queue.length > 0 && !(this.queue.peek() as Waiting).write) this.grantReader(this.queue.shift() as Waiting);
      return;
    }
    const writerFirst = this.policy === 'writer' || this.queue.length === 0;
    if (writerFirst && this.writers.length > 0) {
      if (this.readers === 0) this.grantWriter(this.writers.shift() as Waiting);
      return;
    }
    while (this.queue.length > 0) this.grantReader(this.queue.shift() as Waiting);
  }

  private grantReader(w: Waiting): void {
    this.readers++;
    this.readStats.waitTime.add(this.sim.now - w.since);
    w.event.succeed(undefined);
  }

  private grantWriter(w: Waiting): void {
    this.writer = true;
    this.writeSince = this.sim.now;
    this.writeStats.waitTime.add(this.sim.now - w.since);
    w.event.succeed(undefined);
  }

  private who(): string {
    return this.sim.activeProcess ? `process ${this.sim.activeProcess.name}` : 'the simulation';
  }
}
