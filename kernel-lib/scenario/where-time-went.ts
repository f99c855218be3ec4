// "Where the time went": the lock and thread report of a run, the first thing people ask of a
// slow stack (as they would ask lock_stat and perf). `dmsim.locks` has one row per lock class
// (sim/lock-report.ts), `dmsim.threads` one row per simulated thread and per kernel worker,
// named as the kernel names them; the text output ends with the busiest of each.
import { kernelWorkers } from '../dm/kernel-worker.js';
import type { CpuSet } from '../sim/cpu.js';
import type { Simulation } from '../sim/index.js';
import { lockReport, type LockReportRow } from '../sim/lock-report.js';

export interface ThreadReportRow {
  name: string;
  /** `thread`: a simulated thread (a kthread, a kworker, a user task); `work`: a kernel worker's work item. */
  kind: 'thread' | 'work';
  /** CPU time used (ns). */
  cpu_ns: number;
  /** cpu_ns as a share of the run's simulated time (1 = one core the whole run). */
  cpu_busy: number;
  /** Core the thread is pinned to, or -1 (threads only). */
  pin?: number;
  /** Times a core switched to this thread (threads only). */
  context_switches?: number;
  /** Passes of the work item over its lists (workers only). */
  passes?: number;
  /** Jobs put back on their list for lack of resources (workers only). */
  requeues?: number;
}

export function threadReport(sim: Simulation, cpus: CpuSet, spanNs: number): ThreadReportRow[] {
  const share = (ns: number) => (spanNs > 0 ? ns / spanNs : 0);
  const rows: ThreadReportRow[] = cpus.threads.map((t) => ({ name: t.name, kind: 'thread', cpu_ns: t.cpuNs, cpu_busy: share(t.cpuNs), pin: t.pin, context_switches: t.contextSwitches }));
  for (const w of kernelWorkers(sim)) rows.push({ name: w.name, kind: 'work', cpu_ns: w.cpuNs, cpu_busy: share(w.cpuNs), passes: w.passes, requeues: w.requeues });
  return rows;
}

export function locksOf(sim: Simulation, spanNs: number): LockReportRow[] {
  return lockReport(sim, spanNs);
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function usOf(ns: number): string {
  return ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : `${(ns / 1e3).toFixed(2)} us`;
}

/** The text table: the busiest threads and work items, then the most held locks. */
export function whereTheTimeWent(threads: readonly ThreadReportRow[], locks: readonly LockReportRow[], cpuUtil: readonly number[], top = 6): string[] {
  const lines = [`where the time went: cores busy ${cpuUtil.map(pct).join(' ')}`];
  const busy = threads.filter((t) => t.cpu_ns > 0).sort((a, b) => b.cpu_ns - a.cpu_ns || a.name.localeCompare(b.name));
  if (busy.length > 0) {
    lines.push(`  ${'thread / work item'.padEnd(36)} ${'CPU'.padStart(8)} ${'switches'.padStart(9)} ${'passes'.padStart(8)}`);
    for (const t of busy.slice(0, top)) {
      lines.push(`  ${t.name.padEnd(36)} ${pct(t.cpu_busy).padStart(8)} ${(t.context_switches ?? '').toString().padStart(9)} ${(t.passes ?? '').toString().padStart(8)}`);
    }
    if (busy.length > top) lines.push(`  (${busy.length - top} more in dmsim.threads)`);
  }
  const used = locks.filter((l) => l.acquisitions > 0);
  if (used.length > 0) {
    lines.push(`  ${'lock'.padEnd(36)} ${'held'.padStart(8)} ${'acquired'.padStart(9)} ${'waited'.padStart(8)} ${'mean wait'.padStart(10)}`);
    for (const l of used.slice(0, top)) {
      const name = l.instances > 1 ? `${l.name} (x${l.instances})` : l.name;
      lines.push(`  ${name.padEnd(36)} ${pct(l.hold_fraction).padStart(8)} ${String(l.acquisitions).padStart(9)} ${pct(l.acquisitions > 0 ? l.contended / l.acquisitions : 0).padStart(8)} ${usOf(l.contended_wait_mean_ns).padStart(10)}`);
    }
    if (used.length > top) lines.push(`  (${used.length - top} more in dmsim.locks)`);
  }
  return lines;
}

/**
 * The same report as columns of a sweep's row (ScenarioResult.metrics()), so a sweep can plot
 * where the time went against its parameters and a CPU limit is not taken for a device limit:
 * `cpu.N.busy` per core and `cpu.busy_max` (shares of the run, 0-1), `cpu.busy_sum` (cores'
 * worth); per thread and kernel work item `thread.NAME.cpu_busy` / `work.NAME.cpu_busy` (1 =
 * one core the whole run); per lock class `lock.NAME.hold` (share of the run held, summed over
 * instances), `lock.NAME.acquisitions`, `lock.NAME.contended` (share of acquisitions that
 * waited) and `lock.NAME.wait_mean_us` (mean wait of those that waited). Every thread and lock
 * gets its columns, used or not: a scenario's columns do not depend on its parameters' luck.
 */
export function whereTheTimeWentMetrics(threads: readonly ThreadReportRow[], locks: readonly LockReportRow[], cpuUtil: readonly number[]): Record<string, number> {
  const m: Record<string, number> = {};
  cpuUtil.forEach((u, i) => (m[`cpu.${i}.busy`] = u));
  m['cpu.busy_max'] = cpuUtil.length > 0 ? Math.max(...cpuUtil) : 0;
  m['cpu.busy_sum'] = cpuUtil.reduce((a, b) => a + b, 0);
  // Two threads of one name (kworkers come and go) share their column, as `top` would sum them.
  for (const t of threads) m[`${t.kind}.${t.name}.cpu_busy`] = (m[`${t.kind}.${t.name}.cpu_busy`] ?? 0) + t.cpu_busy;
  for (const l of locks) {
    m[`lock.${l.name}.hold`] = l.hold_fraction;
    m[`lock.${l.name}.acquisitions`] = l.acquisitions;
    m[`lock.${l.name}.contended`] = l.acquisitions > 0 ? l.contended / l.acquisitions : 0;
    m[`lock.${l.name}.wait_mean_us`] = l.contended_wait_mean_ns / 1e3;
  }
  return m;
}
