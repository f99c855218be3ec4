// The snapshot's locks, in the two schemes of `snapshot.locking` (docs/references.md#snapshot-locking-2019):
// - `mutex`: one exclusive lock per snapshot. Every critical section (a bio's lookup in
//   snapshot_map, each snapshot's part of __origin_write, pending_complete) serializes on it,
//   and a waiter sleeps (gives its CPU up, pays a wakeup).
// - `fine-grained`: s->lock is an rwsem taken for READ on these paths (so they never wait for
//   each other), plus the bit-spinlocks of the (complete, pending) bucket pair of the chunk,
//   plus pe_allocation_lock around the exception store's allocation. Only sections on the same
//   bucket pair contend, and they spin.
// Hold times are CPU time charged to the holder (costs.ts), so contention is simulated.
import { type Thread, chargeCpu } from '../../sim/cpu.js';
import { Mutex, RwLock, SpinLock, type ProcessGenerator, type Simulation, type SimEvent } from '../../sim/index.js';
import { beforeSleep } from '../../block/plug.js';
import type { SnapshotLocking } from './params.js';

/** The CPU time of a critical section (sim/cpu.ts chargeCpu), by its old name here. */
export const cpuTime = chargeCpu;

/** The complete table's hash shift (DM_CHUNK_CONSECUTIVE_BITS): 256 chunks share a bucket. */
const COMPLETE_HASH_SHIFT = 8;

export class SnapshotLocks {
  readonly mutex: Mutex | null;
  readonly rw: RwLock | null;
  readonly allocation: SpinLock | null;
  /** Bucket-pair locks, created on first use (index: complete bucket x pending bucket). */
  private readonly buckets = new Map<number, SpinLock>();
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
  ) {
    this.bucketClass = `${name}.bucket_lock`;
    this.completeMask = completeBuckets - 1;
    this.pendingMask = pendingBuckets - 1;
    if (scheme === 'mutex') {
      this.mutex = new Mutex(sim, `${name}.lock`);
      this.rw = null;
      this.allocation = null;
    } else {
      this.mutex = null;
      this.rw = new RwLock(sim, `${name}.lock`);
      this.allocation = new SpinLock(sim, `${name}.pe_allocation_lock`);
    }
  }

  private bucketLock(chunk: number): SpinLock {
    const c = Math.floor(chunk / 2 ** COMPLETE_HASH_SHIFT) & this.completeMask;
    const p = chunk & this.pendingMask;
    const key = c * (this.pendingMask + 1) + p;
    let l = this.buckets.get(key);
    if (l === undefined) {
      l = new SpinLock(this.sim, this.bucketClass);
      this.buckets.set(key, l);
    }
    return l;
  }

  /**
   * Enters a critical section on `chunk`'s exception-table entries and spends `holdNs` of CPU
   * in it; the caller must call exit(chunk) after. Returns the lock taken (for exit).
   */
  *enter(thread: Thread | null, chunk: number, holdNs: number): ProcessGenerator<SpinLock | null> {
    if (this.mutex !== null) {
      yield beforeSleep(thread, this.mutex.lock());
      const cost = cpuTime(this.sim, thread, holdNs);
      if (cost !== null) yield cost;
      return null;
    }
    yield beforeSleep(thread, (this.rw as RwLock).readLock());
    const b = this.bucketLock(chunk);
    yield b.lock();
    const cost = cpuTime(this.sim, thread, holdNs);
    if (cost !== null) yield cost;
    return b;
  }

  exit(bucket: SpinLock | null): void {
    if (this.mutex !== null) {
      this.mutex.unlock();
      return;
    }
    (bucket as SpinLock).unlock();
    (this.rw as RwLock).readUnlock();
  }

  /** Exception-store allocation (prepare_exception): under pe_allocation_lock when fine-grained, already exclusive under the mutex. */
  *allocate(thread: Thread | null, holdNs: number): ProcessGenerator<void> {
    if (this.allocation === null) {
      const cost = cpuTime(this.sim, thread, holdNs);
      if (cost !== null) yield cost;
      return;
    }
    yield this.allocation.lock();
    const cost = cpuTime(this.sim, thread, holdNs);
    if (cost !== null) yield cost;
    this.allocation.unlock();
  }

  /** lock_stat-like figures for status(). */
  stats(): Record<string, number> {
    const s = this.mutex !== null ? this.mutex.stats : (this.rw as RwLock).readStats;
    return {
      acquisitions: s.acquisitions,
      contentions: s.contentions,
      wait_avg_ns: s.waitTime.count > 0 ? s.waitTime.mean : 0,
      hold_avg_ns: this.mutex !== null && this.mutex.stats.holdTime.count > 0 ? this.mutex.stats.holdTime.mean : 0,
    };
  }
}
