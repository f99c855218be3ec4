// fio's per-interval logs (write_bw_log, write_iops_log, write_lat_log with log_avg_msec), in
// the files and line format fio writes: NAME_bw.N.log, NAME_iops.N.log, NAME_lat.N.log,
// NAME_clat.N.log, NAME_slat.N.log (N the job's thread number from 1; without the .N with
// per_job_logs=0), each line `time, value, ddir, bs, prio` (with log_offset=1:
// `time, value, ddir, bs, offset, prio`). time is ms since the job started and is the end of
// the interval (ms since the end of ramp_time, where fio resets the job's epoch); bw is KiB/s and iops I/Os per second over the interval; latencies are ns,
// the interval's mean (or its maximum with log_max_value=1). Like fio's averaged samples, bs,
// offset and prio are 0. Memory stays flat in the number of I/Os: one running sum per
// direction for the current interval, and one line per interval once it has passed.
// Intervals without completions are written as 0 in the bw and iops logs (a stall shows);
// fio writes no latency sample for them, so neither do we. The part of the run after the last
// whole interval appears only in the latency logs (see close).
// Without log_avg_msec (0, fio's default) the logs are per I/O, as fio's per_unit_log: one
// line per completion at its ms since the job's epoch, `time, value, ddir, bs, prio` (with
// log_offset, the I/O's offset before prio); the value is the latency (ns), 1 for iops, and
// for bw fio's add_bw_sample rate, bytes x 10^6 / clat ns (io_u.c account_io_completion).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { JobOptions } from './options.js';

export const LOG_KINDS = ['bw', 'iops', 'lat', 'clat', 'slat'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

/** The running sums of one direction over the current interval. */
class Window {
  ios = 0;
  bytes = 0;
  latSum = [0, 0, 0]; // lat, clat, slat
  latMax = [0, 0, 0];
  latN = [0, 0, 0];
  reset(): void {
    this.ios = this.bytes = 0;
    this.latSum = [0, 0, 0];
    this.latMax = [0, 0, 0];
    this.latN = [0, 0, 0];
  }
}

/** One job's interval logs, filled as its I/Os complete. */
export class JobLogs {
  readonly lines = new Map<LogKind, string[]>();
  private readonly intervalNs: number;
  private readonly windows = [new Window(), new Window(), new Window()];
  /** Index of the interval the windows are summing (intervals counted from the job's start). */
  private current = -1;
  private closed = false;

  constructor(
    private readonly o: JobOptions,
    /** Simulated ns at which the job's measurement started, after ramp_time (time 0 of its logs). */
    private readonly origin: number,
    /** Which directions the job issues: they get a line (0 if idle) in every interval. */
    private readonly active: boolean[],
  ) {
    this.intervalNs = o.logAvgMsec * 1e6;
    if (o.writeBwLog !== null) this.lines.set('bw', []);
    if (o.writeIopsLog !== null) this.lines.set('iops', []);
    if (o.writeLatLog !== null) for (const k of ['lat', 'clat', 'slat'] as const) this.lines.set(k, []);
  }

  /** The interval a completion at `now` belongs to: one ending exactly at a boundary is in the interval it ends. */
  private indexOf(now: number): number {
    return Math.max(0, Math.ceil((now - this.origin) / this.intervalNs) - 1);
  }

  /** Starts the logs at the end of ramp_time: intervals before it are not written. */
  begin(now: number): void {
    if (this.current < 0 && this.intervalNs > 0) this.current = Math.floor((now - this.origin) / this.intervalNs);
  }

  /** One I/O completed at `now`; a latency < 0 is not recorded (no slat for sync engines). */
  complete(now: number, ddir: number, bytes: number, slatNs: number, clatNs: number, latNs: number, offset = 0): void {
    if (this.intervalNs === 0) return this.unit(now, ddir, bytes, slatNs, clatNs, latNs, offset);
    const idx = this.indexOf(now);
    if (this.current < 0) this.current = idx;
    while (this.current < idx) this.emit(this.current, this.intervalNs), this.current++;
    const w = this.windows[ddir];
    w.ios++;
    w.bytes += bytes;
    [latNs, clatNs, slatNs].forEach((v, i) => {
      if (v < 0) return;
      w.latSum[i] += v;
      w.latN[i]++;
      if (v > w.latMax[i]) w.latMax[i] = v;
    });
  }

  /** A per-I/O line in each log (log_avg_msec=0). */
  private unit(now: number, ddir: number, bytes: number, slatNs: number, clatNs: number, latNs: number, offset: number): void {
    const ms = Math.floor((now - this.origin) / 1e6);
    const tail = this.o.logOffset ? `, ${ddir}, ${bytes}, ${offset}, 0` : `, ${ddir}, ${bytes}, 0`;
    this.lines.get('bw')?.push(`${ms}, ${clatNs > 0 ? Math.floor((bytes * 1e6) / clatNs) : 0}${tail}`);
    this.lines.get('iops')?.push(`${ms}, 1${tail}`);
    if (latNs >= 0) this.lines.get('lat')?.push(`${ms}, ${Math.round(latNs)}${tail}`);
    if (clatNs >= 0) this.lines.get('clat')?.push(`${ms}, ${Math.round(clatNs)}${tail}`);
    if (slatNs >= 0) this.lines.get('slat')?.push(`${ms}, ${Math.round(slatNs)}${tail}`);
  }

  /**
   * The job ended at `now`: the whole intervals up to it are written. Of the part after the
   * last whole interval (often just the I/O in flight at the end of runtime) only the
   * latencies are: fio takes its bw and iops samples at whole intervals, and a rate over a
   * sliver of time would be a spike that never happened.
   */
  close(now: number): void {
    if (this.closed) return;
    this.closed = true;
    if (this.intervalNs === 0) return;
    if (this.current < 0) this.begin(now);
    while (this.origin + (this.current + 1) * this.intervalNs <= now) this.emit(this.current, this.intervalNs), this.current++;
    const start = this.origin + this.current * this.intervalNs;
    if (now > start) this.emit(this.current, now - start, true);
  }

  /** Writes the lines of interval `idx`, `spanNs` long, and resets the sums. */
  private emit(idx: number, spanNs: number, latOnly = false): void {
    const ms = Math.round((idx * this.intervalNs + spanNs) / 1e6);
    const tail = this.o.logOffset ? ', 0, 0, 0' : ', 0, 0';
    for (let d = 0; d < 3; d++) {
      if (!this.active[d]) continue;
      const w = this.windows[d];
      if (!latOnly) {
        this.lines.get('bw')?.push(`${ms}, ${Math.round((w.bytes * 1e9) / spanNs / 1024)}, ${d}${tail}`);
        this.lines.get('iops')?.push(`${ms}, ${Math.round((w.ios * 1e9) / spanNs)}, ${d}${tail}`);
      }
      (['lat', 'clat', 'slat'] as const).forEach((k, i) => {
        const out = this.lines.get(k);
        if (out === undefined || w.latN[i] === 0) return;
        const v = this.o.logMaxValue ? w.latMax[i] : w.latSum[i] / w.latN[i];
        out.push(`${ms}, ${Math.round(v)}, ${d}${tail}`);
      });
      w.reset();
    }
  }
}

/** The file fio names for a log: NAME_kind.N.log, or NAME_kind.log with per_job_logs=0; relative to `dir`. */
export function logFileName(dir: string, name: string, kind: LogKind, threadNumber: number, perJob: boolean): string {
  return resolve(dir, perJob ? `${name}_${kind}.${threadNumber}.log` : `${name}_${kind}.log`);
}

/** Writes every job's logs (through a temporary file renamed into place); jobs sharing a file (per_job_logs=0) are appended in job order. */
export function writeJobLogs(dir: string, jobs: { options: JobOptions; threadNumber: number; logs: JobLogs | null }[]): string[] {
  const files = new Map<string, string[]>();
  for (const j of jobs) {
    if (j.logs === null) continue;
    const o = j.options;
    for (const [kind, lines] of j.logs.lines) {
      const name = kind === 'bw' ? o.writeBwLog! : kind === 'iops' ? o.writeIopsLog! : o.writeLatLog!;
      const file = logFileName(dir, name, kind, j.threadNumber, o.perJobLogs);
      if (!files.has(file)) files.set(file, []);
      const out = files.get(file)!;
      for (const l of lines) out.push(l); // not push(...lines): a long log would overflow the stack
    }
  }
  for (const [file, lines] of files) {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, lines.map((l) => l + '\n').join(''));
    renameSync(tmp, file);
  }
  return [...files.keys()];
}
