// The lock report: what the kernel's lock_stat (/proc/lock_stat) shows, for a simulation's
// locks. Rows are grouped by name, as lock_stat groups by lock class: every bucket lock of an
// exception table is one row, with its instance count. A lock registers itself when it is
// made (mutexes, spinlocks and rw-semaphores do); nothing is measured here that the locks do
// not already count, so the report costs nothing while the simulation runs.
import type { Simulation } from './simulation.js';
import type { LockStats } from './stats/lock-stats.js';

/** What a lock tells the report. */
export interface ReportableLock {
  readonly name: string;
  /** `mutex`, `spinlock`, `rwsem`: how a waiter waits (sleeps or spins) and who may share. */
  readonly lockKind: string;
  /** Acquisition statistics, one per mode (a rw-semaphore has read and write). */
  lockStats(): readonly LockStats[];
  /** ns the lock has been held (in any mode) up to `now`. */
  heldNs(now: number): number;
}

export interface LockReportRow {
  name: string;
  kind: string;
  /** Locks of this name (lock_stat's class). */
  instances: number;
  acquisitions: number;
  /** Acquisitions that had to wait. */
  contended: number;
  /** Mean wait over all acquisitions, contended or not (ns). */
  wait_mean_ns: number;
  /** Mean wait of the contended acquisitions (ns). */
  contended_wait_mean_ns: number;
  wait_max_ns: number;
  /**
   * Share of the span during which the lock was held, summed over its instances (so a class
   * of many locks can exceed 1): for one lock, its utilisation.
   */
  hold_fraction: number;
}

const registries = new WeakMap<Simulation, ReportableLock[]>();

export function registerLock(sim: Simulation, lock: ReportableLock): void {
  let r = registries.get(sim);
  if (r === undefined) registries.set(sim, (r = []));
  r.push(lock);
}

/** One row per lock name, most held first; `spanNs` is the time the fractions refer to. */
export function lockReport(sim: Simulation, spanNs: number): LockReportRow[] {
  const rows = new Map<string, LockReportRow & { waitSum: number }>();
  for (const lock of registries.get(sim) ?? []) {
    let row = rows.get(lock.name);
    if (row === undefined) {
      row = { name: lock.name, kind: lock.lockKind, instances: 0, acquisitions: 0, contended: 0, wait_mean_ns: 0, contended_wait_mean_ns: 0, wait_max_ns: 0, hold_fraction: 0, waitSum: 0 };
      rows.set(lock.name, row);
    }
    row.instances++;
    for (const s of lock.lockStats()) {
      row.acquisitions += s.acquisitions;
      row.contended += s.contentions;
      row.waitSum += s.waitTime.sum;
      if (s.waitTime.count > 0 && s.waitTime.max > row.wait_max_ns) row.wait_max_ns = s.waitTime.max;
    }
    row.hold_fraction += spanNs > 0 ? lock.heldNs(sim.now) / spanNs : 0;
  }
  const out: LockReportRow[] = [];
  for (const { waitSum, ...row } of rows.values()) {
    row.wait_mean_ns = row.acquisitions > 0 ? waitSum / row.acquisitions : 0;
    row.contended_wait_mean_ns = row.contended > 0 ? waitSum / row.contended : 0;
    out.push(row);
  }
  return out.sort((a, b) => b.hold_fraction - a.hold_fraction || b.acquisitions - a.acquisitions || a.name.localeCompare(b.name));
}
