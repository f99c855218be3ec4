// fio's --output-format=json, key for key and type for type (stat.c show_thread_status_json(),
// add_ddir_status_json(), add_ddir_lat_json(), json_add_disk_util()): integers where fio
// prints integers (bw is floor(bytes/s / 1024), runtime is whole ms), floats where it prints
// floats, percentiles under "%f" keys and only when there are samples, so tools that read
// `.jobs[].read.clat_ns.percentile."99.000000"` work unchanged.
// Deterministic on purpose: "timestamp" and "time" are the simulated start (0, the epoch),
// not the wall clock, so the same seed gives the same bytes.
import type { DiskStats } from '../../block/device.js';
import type { LatencyHistogram } from '../../sim/index.js';
import type { JobReport } from './fio.js';
import type { JobOption } from './job-file.js';
import type { DirStats, SampleStat } from './stats.js';

/** The fio release whose JSON layout this reproduces. */
export const FIO_VERSION = 'fio-3.36';

export interface DiskUtilInput {
  name: string;
  stats: DiskStats;
  /** A device-mapper device's slaves (/sys/block/dm-N/slaves): fio adds their aggr_* figures. */
  slaves?: readonly DiskStats[];
}

type Json = Record<string, unknown>;

function latJson(h: LatencyHistogram, percentiles: readonly number[] | null): Json {
  const n = h.count;
  const out: Json = {
    min: n ? Math.round(h.min) : 0,
    max: n ? Math.round(h.max) : 0,
    mean: n ? h.mean : 0,
    stddev: n ? h.stddev : 0,
    N: n,
  };
  if (percentiles !== null && n > 0) {
    const p: Json = {};
    for (const q of percentiles) p[q.toFixed(6)] = h.percentile(q);
    out.percentile = p;
  }
  return out;
}

function ddirJson(s: DirStats, runtimeMs: number, percentiles: readonly number[], bwAggKib: number): Json {
  const bwBytes = runtimeMs > 0 ? Math.floor((1000 * s.ioBytes) / runtimeMs) : 0;
  const bw = (st: SampleStat) => (st.samples > 0 ? st : null);
  const bws = bw(s.bw);
  const ios = bw(s.iops);
  return {
    io_bytes: s.ioBytes,
    io_kbytes: Math.floor(s.ioBytes / 1024),
    bw_bytes: bwBytes,
    bw: Math.floor(bwBytes / 1024),
    iops: runtimeMs > 0 ? (1000 * s.totalIos) / runtimeMs : 0,
    runtime: s.totalIos > 0 ? runtimeMs : 0,
    total_ios: s.totalIos,
    short_ios: 0,
    drop_ios: 0,
    slat_ns: latJson(s.slat, null),
    clat_ns: latJson(s.clat, percentiles),
    lat_ns: latJson(s.lat, null),
    bw_min: bws ? bws.min : 0,
    bw_max: bws ? bws.max : 0,
    bw_agg: bws && bwAggKib > 0 ? Math.min(100, (bws.mean * 100) / bwAggKib) : 0,
    bw_mean: bws ? bws.mean : 0,
    bw_dev: bws ? bws.stddev : 0,
    bw_samples: s.bw.samples,
    iops_min: ios ? ios.min : 0,
    iops_max: ios ? ios.max : 0,
    iops_mean: ios ? ios.mean : 0,
    iops_stddev: ios ? ios.stddev : 0,
    iops_samples: s.iops.samples,
  };
}

function dist(counts: Float64Array, total: number): number[] {
  return Array.from(counts, (c) => (total > 0 ? (100 * c) / total : 0));
}

function keyed(keys: readonly string[], values: readonly number[]): Json {
  const o: Json = {};
  keys.forEach((k, i) => (o[k] = values[i] ?? 0));
  return o;
}

/** fio's json_add_job_opts(): options as written, values as strings ("" for a bare key). */
function optionsJson(options: readonly JobOption[]): Json {
  const o: Json = {};
  for (const opt of options) o[opt.key] = opt.value ?? '';
  return o;
}

/**
 * A job's runtime in whole ms, as fio keeps it: backend.c update_runtime adds
 * (elapsed_us + 999) / 1000, the elapsed time in whole µs (utime_since_now truncates) rounded
 * up to the ms; stat.c prints and divides by that figure. A run shorter than 1 ms reports
 * 1 ms (no zero IOPS); 1200.3 ms reports 1201.
 */
export function fioRuntimeMs(ns: number): number {
  return Math.floor((Math.floor(ns / 1000) + 999) / 1000);
}

const LAT_KEYS = ['2', '4', '10', '20', '50', '100', '250', '500', '750', '1000'];

export function jobJson(r: JobReport, groupBwKib: readonly number[]): Json {
  const s = r.stats;
  const runtimeMs = fioRuntimeMs(s.runtimeNs);
  const pct = r.options.percentileList;
  const totalIos = s.dir[0].totalIos + s.dir[1].totalIos + s.dir[2].totalIos;
  const depth = dist(s.depthMap, totalIos);
  const oneAtATime = keyed(['0', '4', '8', '16', '32', '64', '>=64'], [0, totalIos > 0 ? 100 : 0]);
  return {
    jobname: r.jobname,
    groupid: r.groupid,
    job_start: Math.floor(r.startedAt / 1e6),
    error: s.error,
    eta: 0,
    elapsed: Math.ceil(r.endedAt / 1e9),
    ...(r.given.length > 0 ? { 'job options': optionsJson(r.given) } : {}),
    read: ddirJson(s.dir[0], runtimeMs, pct, groupBwKib[0]),
    write: ddirJson(s.dir[1], runtimeMs, pct, groupBwKib[1]),
    trim: ddirJson(s.dir[2], runtimeMs, pct, groupBwKib[2]),
    sync: { total_ios: s.syncIos, lat_ns: latJson(s.sync, pct) },
    job_runtime: Math.floor(s.totalRunNs / 1e6),
    usr_cpu: s.totalRunNs > 0 ? (100 * s.usrNs) / s.totalRunNs : 0,
    sys_cpu: s.totalRunNs > 0 ? (100 * s.sysNs) / s.totalRunNs : 0,
    ctx: s.ctx,
    majf: 0,
    minf: 0,
    iodepth_level: keyed(['1', '2', '4', '8', '16', '32', '>=64'], depth),
    iodepth_submit: oneAtATime,
    iodepth_complete: oneAtATime,
    latency_ns: keyed(LAT_KEYS, dist(s.latN, totalIos)),
    latency_us: keyed(LAT_KEYS, dist(s.latU, totalIos)),
    latency_ms: keyed([...LAT_KEYS, '2000', '>=2000'], dist(s.latM, totalIos)),
    latency_depth: r.options.iodepth,
    latency_target: 0,
    latency_percentile: 100.0,
    latency_window: 0,
  };
}

/** disk_util[]: /proc/diskstats deltas of each device, ticks in ms, util in percent. */
export function diskUtilJson(disks: readonly DiskUtilInput[], elapsedNs: number): Json[] {
  const util = (stats: DiskStats) => (elapsedNs > 0 ? Math.min(100, (100 * stats.busyNs) / elapsedNs) : 0);
  return disks.map(({ name, stats, slaves }) => {
    const o: Json = {
      name,
      read_ios: stats.readIos,
      write_ios: stats.writeIos,
      read_sectors: stats.readSectors,
      write_sectors: stats.writeSectors,
      read_merges: stats.readMerges,
      write_merges: stats.writeMerges,
      read_ticks: Math.floor(stats.readTicksNs / 1e6),
      write_ticks: Math.floor(stats.writeTicksNs / 1e6),
      in_queue: Math.floor(stats.inQueueNs / 1e6),
      util: util(stats),
    };
    if (slaves === undefined || slaves.length === 0) return o;
    // aggregate_slaves_stats(): sums over the slaves divided by their count; util the busiest one's.
    const n = slaves.length;
    const sum = (f: (s: DiskStats) => number) => Math.floor(slaves.reduce((a, s) => a + f(s), 0) / n);
    return {
      ...o,
      aggr_read_ios: sum((s) => s.readIos),
      aggr_write_ios: sum((s) => s.writeIos),
      aggr_read_sectors: sum((s) => s.readSectors),
      aggr_write_sectors: sum((s) => s.writeSectors),
      aggr_read_merges: sum((s) => s.readMerges),
      aggr_write_merge: sum((s) => s.writeMerges),
      aggr_read_ticks: sum((s) => Math.floor(s.readTicksNs / 1e6)),
      aggr_write_ticks: sum((s) => Math.floor(s.writeTicksNs / 1e6)),
      aggr_in_queue: sum((s) => Math.floor(s.inQueueNs / 1e6)),
      aggr_util: Math.max(...slaves.map(util)),
    };
  });
}

/** The whole document: root keys in fio's order. */
export function fioJson(
  reports: readonly JobReport[],
  disks: readonly DiskUtilInput[],
  elapsedNs: number,
  globalOptions: readonly JobOption[] = [],
): Json {
  // Aggregate bandwidth of each group per direction (KiB/s), for bw_agg ("per=" in text output).
  const agg = new Map<number, number[]>();
  for (const r of reports) {
    const a = agg.get(r.groupid) ?? [0, 0, 0];
    const ms = fioRuntimeMs(r.stats.runtimeNs);
    for (let d = 0; d < 3; d++) a[d] += ms > 0 ? Math.floor((1000 * r.stats.dir[d].ioBytes) / ms) / 1024 : 0;
    agg.set(r.groupid, a);
  }
  return {
    'fio version': FIO_VERSION,
    timestamp: 0,
    timestamp_ms: 0,
    time: 'Thu Jan  1 00:00:00 1970',
    ...(globalOptions.length > 0 ? { 'global options': optionsJson(globalOptions) } : {}),
    jobs: reports.map((r) => jobJson(r, agg.get(r.groupid)!)),
    disk_util: diskUtilJson(disks, elapsedNs),
  };
}
