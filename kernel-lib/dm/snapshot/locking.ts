// The snapshot's locks, in the two schemes of `snapshot.locking` (docs/references.md#snapshot-locking-2019):
// - `mutex`: one exclusive lock per snapshot. Every critical section (a bio's lookup in
//   snapshot_map, each snapshot's part of __origin_write, pending_complete) serializes on it.
//   How a waiter waits follows the kernel's lock type (`snapshot.lockSpin`): it sleeps (gives
//   its CPU up, pays a wakeup), or, from 3.16, spins while the owner runs and sleeps otherwise.
// - `fine-grained`: s->lock is an rwsem taken for READ on these paths (so they never wait for
//   each other), plus two bit-spinlocks, the chunk's bucket of the complete table and its
//   bucket of the pending table (dm_exception_table_lock takes both, complete first), plus
//   pe_allocation_lock around the exception store's allocation. Sections contend when their
//   chunks share either bucket, and they spin.
// Hold times are CPU time charged to the holder (costs.ts), so contention is simulated.
import { type Thread, chargeCpu } from '../../sim/cpu.js';
import { Mutex, RwLock, SpinLock, type ProcessGenerator, type Simulation, type SimEvent } from '../../sim/index.js';
import { beforeSleep } from '../../block/plug.js';
import type { SnapshotLocking } from './params.js';

/** The CPU time of a critical section (sim/cpu.ts chargeCpu), by its old name here. */
export const cpuTime = chargeCpu;

import { COMPLETE_HASH_SHIFT } from './exception-table.js';

/** The two bucket locks of a chunk (dm_exception_table_lock), held together. */
export class BucketPair {
  /** The thread holding both (its preemption is off meanwhile). */
  holder: Thread | null = null;

  constructor(
    readonly complete: SpinLock,
    readonly pending: SpinLock,
  ) {}
}

export class SnapshotLocks {
  readonly mutex: Mutex | null;
  readonly rw: RwLock | null;
  readonly allocation: SpinLock | null;
  /** Bucket locks of the complete and the pending table, created on first use. */
  private readonly completeLocks = new Map<number, SpinLock>();
  private readonly pendingLocks = new Map<number, SpinLock>();
  /** Pairs already made, by (complete bucket, pending bucket): no allocation per section. */
  private readonly pairs = new Map<number, BucketPair>();
  private readonly completeMask: number;
  private readonly pendingMask: number;
  /** lock_stat class of the bucket locks: every bucket of this snapshot's tables is one row. */
  private readonly bucketClass: string;

  constructor(
    readonly sim: Simulation,
    readonly scheme: SnapshotLocking,
    name: string,
    /** Buckets of the complete table (a power of two) and of the pending table. */
    completeBuckets: number,
    pendingBuckets: number,
    /** The exclusive lock spins on a running owner before sleeping (`snapshot.lockSpin`). */
    spin = false,
  ) {
    this.bucketClass = `${name}.bucket_lock`;
    this.completeMask = completeBuckets - 1;
    this.pendingMask = pendingBuckets - 1;
    if (scheme === 'mutex') {
      this.mutex = new Mutex(sim, `${name}.lock`, { spinOnOwner: spin });
      this.rw = null;
      this.allocation = null;
    } else {
      this.mutex = null;
      this.rw = new RwLock(sim, `${name}.lock`);
      this.allocation = new SpinLock(sim, `${name}.pe_allocation_lock`);
    }
  }

  private static lockOf(locks: Map<number, SpinLock>, key: number, sim: Simulation, name: string): SpinLock {
    let l = locks.get(key);
    if (l === undefined) {
      l = new SpinLock(sim, name);
      locks.set(key, l);
    }
    return l;
  }

  /** The chunk's bucket of each table: (chunk >> 8) & mask in the complete one, chunk & mask in the pending one. */
  bucketPair(chunk: number): BucketPair {
    const c = Math.floor(chunk / 2 ** COMPLETE_HASH_SHIFT) & this.completeMask;
    const p = chunk & this.pendingMask;
    const key = c * (this.pendingMask + 1) + p;
    let pair = this.pairs.get(key);
    if (pair === undefined) {
      pair = new BucketPair(SnapshotLocks.lockOf(this.completeLocks, c, this.sim, this.bucketClass), SnapshotLocks.lockOf(this.pendingLocks, p, this.sim, this.bucketClass));
      this.pairs.set(key, pair);
    }
    return pair;
  }

  /**
   * Enters a critical section on `chunk`'s exception-table entries and spends `holdNs` of CPU
   * in it; the caller must call exit(chunk) after. Returns the lock taken (for exit).
   */
  *enter(thread: Thread | null, chunk: number, holdNs: number): ProcessGenerator<BucketPair | null> {
    if (this.mutex !== null) {
      yield beforeSleep(thread, this.mutex.lock());
      const cost = cpuTime(this.sim, thread, holdNs);
      if (cost !== null) yield cost;
      return null;
    }
    yield beforeSleep(thread, (this.rw as RwLock).readLock());
    const b = this.bucketPair(chunk);
    // A spinlock is taken by a task running on a CPU, which then cannot be preempted until it
    // drops it: a woken thread first gets its core back.
    if (thread !== null && thread.core === null) yield thread.exec(0);
    if (thread !== null) thread.preemptCount++;
    yield b.complete.lock();
    yield b.pending.lock();
    b.holder = thread;
    const cost = cpuTime(this.sim, thread, holdNs);
    if (cost !== null) yield cost;
    return b;
  }

  exit(bucket: BucketPair | null): void {
    if (this.mutex !== null) {
      this.mutex.unlock();
      return;
    }
    const b = bucket as BucketPair;
    const holder = b.holder;
    b.holder = null;
    b.pending.unlock();
    b.complete.unlock();
    if (holder !== null) holder.preemptCount--;
    (this.rw as RwLock).readUnlock();
  }

  /** Exception-store allocation (prepare_exception): under pe_allocation_lock when fine-grained, already exclusive under the mutex. */
  *allocate(thread: Thread | null, holdNs: number): ProcessGenerator<void> {
    if (this.allocation === null) {
      const cost = cpuTime(this.sim, thread, holdNs);
      if (cost !== null) yield cost;
      return;
    }
    if (thread !== null && thread.core === null) yield thread.exec(0);
    if (thread !== null) thread.preemptCount++;
    yield this.allocation.lock();
    const cost = cpuTime(this.sim, thread, holdNs);
    if (cost !== null) yield cost;
    this.allocation.unlock();
    if (thread !== null) thread.preemptCount--;
  }

  /** lock_stat-like figures for status(). */
  stats(): Record<string, number> {
    const s = this.mutex !== null ? this.mutex.stats : (this.rw as RwLock).readStats;
    return {
      acquisitions: s.acquisitions,
      contentions: s.contentions,
      wait_avg_ns: s.waitTime.count > 0 ? s.waitTime.mean : 0,
      hold_avg_ns: this.mutex !== null && this.mutex.stats.holdTime.count > 0 ? this.mutex.stats.holdTime.mean : 0,
      spins: this.mutex !== null ? this.mutex.spins : 0,
      spin_ns: this.mutex !== null ? this.mutex.spinNs : 0,
    };
  }
}
