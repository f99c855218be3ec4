// The fio options dmsim understands, with fio's defaults and fio's value syntax. Anything
// else is an error naming the option and its line and listing what is supported: a silently
// ignored option would make a simulated result look like a measured one of a different job.
import { InputError } from '../../base/input-error.js';
import { FIO_PERCENTILES } from '../../sim/index.js';
import type { JobSection } from './job-file.js';
import { MAX_CORES } from '../../sim/cpu.js';
import { parseSize, parseTime } from './units.js';

export type Ddir = 0 | 1 | 2; // DDIR_READ, DDIR_WRITE, DDIR_TRIM
export const DDIR_READ = 0;
export const DDIR_WRITE = 1;
export const DDIR_TRIM = 2;

export type IoEngine = 'sync' | 'psync' | 'libaio' | 'io_uring' | 'null';
export type RandomDistribution = { kind: 'random' } | { kind: 'zipf'; theta: number } | { kind: 'pareto'; h: number };

export interface JobOptions {
  name: string;
  /** Line of the job's section header. */
  line: number;
  /** Line where each option given was set (its last setting), for later errors. */
  lines: Record<string, number>;
  /** Which directions the job issues, and whether offsets are random. */
  readwrite: string;
  ddirs: { read: boolean; write: boolean; trim: boolean };
  random: boolean;
  /** Block size per direction (read, write, trim), bytes. */
  bs: [number, number, number];
  /** Bytes of I/O per job; null = up to the end of the file. A percentage of the file if sizePercent. */
  size: number | null;
  sizePercent: number | null;
  offset: number;
  offsetPercent: number | null;
  offsetIncrement: number;
  /** ns; 0 = no limit. */
  runtime: number;
  timeBased: boolean;
  rampTime: number;
  startDelay: number;
  iodepth: number;
  numjobs: number;
  ioengine: IoEngine;
  direct: boolean;
  rwmixread: number;
  randrepeat: boolean;
  randseed: number;
  randomDistribution: RandomDistribution;
  /** Bytes/s per direction; 0 = unlimited. */
  rate: [number, number, number];
  rateIops: [number, number, number];
  /** ns to wait after each I/O (fio's thinktime, in µs by default). */
  thinktime: number;
  /** Issue a flush after every N writes; 0 = never. */
  fsync: number;
  endFsync: boolean;
  groupReporting: boolean;
  /** stonewall / wait_for_previous: start after every job before it has finished (and open a new group). */
  stonewall: boolean;
  /** new_group: start a new reporting group without waiting. */
  newGroup: boolean;
  filename: string | null;
  percentileList: number[];
  bufferCompressPercentage: number;
  dedupePercentage: number;
  /** buffer_pattern: every block of every write holds this pattern repeated (null: random data). */
  bufferPattern: string | null;
  /** zero_buffers: buffers are all zeros. */
  zeroBuffers: boolean;
  /** refill_buffers: new random data for every write. */
  refillBuffers: boolean;
  /** scramble_buffers (default on): a buffer reused without refill is scrambled, so no two writes carry the same data. */
  scrambleBuffers: boolean;
  /** cpus_allowed: the CPUs the job's threads may run on (sorted), or null for any. */
  cpusAllowed: number[] | null;
  /** cpus_allowed_policy: `shared` (each thread may use the whole set) or `split` (thread i gets the i-th CPU of the set, round robin). */
  cpusAllowedPolicy: 'shared' | 'split';
  /** write_bw_log / write_iops_log / write_lat_log: the logs' NAME (see logs.ts), or null for none. */
  writeBwLog: string | null;
  writeIopsLog: string | null;
  writeLatLog: string | null;
  /** log_avg_msec: the logs' interval, ms (0: fio's per-I/O logs, which are not modelled). */
  logAvgMsec: number;
  /** log_max_value: latency logs hold the interval's maximum rather than its mean. */
  logMaxValue: boolean;
  /** log_offset: lines carry an offset column (0 for averaged samples, as in fio). */
  logOffset: boolean;
  /** per_job_logs (default on): one file per job (NAME_bw.N.log); off: the jobs share NAME_bw.log. */
  perJobLogs: boolean;
}

export function defaultOptions(name: string, line: number): JobOptions {
  return {
    name, line, lines: {}, readwrite: 'read', ddirs: { read: true, write: false, trim: false }, random: false,
    bs: [4096, 4096, 4096], size: null, sizePercent: null, offset: 0, offsetPercent: null, offsetIncrement: 0,
    runtime: 0, timeBased: false, rampTime: 0, startDelay: 0, iodepth: 1, numjobs: 1, ioengine: 'psync',
    direct: false, rwmixread: 50, randrepeat: true, randseed: 0x89, randomDistribution: { kind: 'random' },
    rate: [0, 0, 0], rateIops: [0, 0, 0], thinktime: 0, fsync: 0, endFsync: false, groupReporting: false, stonewall: false, newGroup: false,
    filename: null, percentileList: FIO_PERCENTILES, bufferCompressPercentage: 0, dedupePercentage: 0,
    bufferPattern: null, zeroBuffers: false, refillBuffers: false, scrambleBuffers: true,
    cpusAllowed: null, cpusAllowedPolicy: 'shared',
    writeBwLog: null, writeIopsLog: null, writeLatLog: null, logAvgMsec: 0, logMaxValue: false, logOffset: false, perJobLogs: true,
  };
}

const RW: Record<string, { read: boolean; write: boolean; trim: boolean; random: boolean }> = {
  read: { read: true, write: false, trim: false, random: false },
  write: { read: false, write: true, trim: false, random: false },
  trim: { read: false, write: false, trim: true, random: false },
  randread: { read: true, write: false, trim: false, random: true },
  randwrite: { read: false, write: true, trim: false, random: true },
  randtrim: { read: false, write: false, trim: true, random: true },
  rw: { read: true, write: true, trim: false, random: false },
  readwrite: { read: true, write: true, trim: false, random: false },
  randrw: { read: true, write: true, trim: false, random: true },
};

type Setter = (o: JobOptions, value: string | null, fail: (why: string) => never) => void;

function need(value: string | null, fail: (why: string) => never): string {
  if (value === null || value === '') fail('needs a value');
  return value as string;
}

function size(text: string, fail: (why: string) => never): number {
  const n = parseSize(text);
  if (!Number.isFinite(n) || n < 0) fail(`'${text}' is not a size (e.g. 4k, 1m, 10g, 4096)`);
  if (!Number.isSafeInteger(n)) fail(`'${text}' is beyond 2^53 bytes (8 PiB), where byte counts stop being exact`);
  return n;
}

function int(text: string | null, fail: (why: string) => never, min = 0, max = Infinity): number {
  const t = need(text, fail);
  if (!/^\d+$/.test(t)) fail(`'${t}' is not a whole number`);
  const n = Number(t);
  if (!Number.isSafeInteger(n)) fail(`${t} is beyond 2^53, where counts stop being exact`);
  if (n < min || n > max) fail(`${n} is out of range ${min}..${max === Infinity ? '' : max}`);
  return n;
}

/** fio's CPU list syntax: "0-3,6,8-9". */
function cpuList(text: string, fail: (why: string) => never): number[] {
  const cpus = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (m === null) fail(`'${part}' is not a CPU or a range of CPUs (e.g. 0-3,6)`);
    const lo = Number(m![1]);
    const hi = m![2] !== undefined ? Number(m![2]) : lo;
    if (hi < lo) fail(`'${part}': the range ends before it starts`);
    // Checked before the loop: 0-99999999 would otherwise build a set of 10^8 CPUs.
    if (hi >= MAX_CORES) fail(`CPU ${hi} is beyond the largest machine modelled (${MAX_CORES} CPUs, NR_CPUS)`);
    for (let c = lo; c <= hi; c++) cpus.add(c);
  }
  return [...cpus].sort((a, b) => a - b);
}

function bool(text: string | null, fail: (why: string) => never): boolean {
  if (text === null) return true; // a bare key turns the option on
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  return fail(`'${text}' is not a boolean (0 or 1)`);
}

function time(text: string | null, unitNs: number, fail: (why: string) => never): number {
  const t = need(text, fail);
  const ns = parseTime(t, unitNs);
  if (!Number.isFinite(ns)) fail(`'${t}' is not a time (e.g. 30, 30s, 500ms, 2m)`);
  return ns;
}

/** `a,b,c` per direction: one value sets all; empty fields keep the default (fio's bs=,8k). */
function perDirection(text: string, parse: (t: string) => number, dflt: [number, number, number]): [number, number, number] {
  const parts = text.split(',');
  if (parts.length === 1) {
    const v = parse(parts[0]);
    return [v, v, v];
  }
  const out: [number, number, number] = [...dflt];
  parts.slice(0, 3).forEach((p, i) => {
    if (p.trim() !== '') out[i] = parse(p);
  });
  // fio: when trim is not given it follows write.
  if (parts.length === 2 && parts[1].trim() !== '') out[2] = out[1];
  return out;
}

const SETTERS: Record<string, Setter> = {
  name: (o, v, fail) => void (o.name = need(v, fail)),
  rw: (o, v, fail) => {
    const t = need(v, fail).split(':')[0];
    const rw = RW[t];
    if (rw === undefined) fail(`'${t}' is not a supported pattern (${Object.keys(RW).join(', ')})`);
    o.readwrite = t;
    o.ddirs = { read: rw.read, write: rw.write, trim: rw.trim };
    o.random = rw.random;
  },
  bs: (o, v, fail) => {
    o.bs = perDirection(need(v, fail), (t) => size(t, fail), o.bs);
    if (o.bs.some((b) => b <= 0 || b % 512 !== 0)) fail('block sizes must be positive multiples of 512');
  },
  size: (o, v, fail) => {
    const t = need(v, fail);
    if (t.endsWith('%')) {
      const p = Number(t.slice(0, -1));
      if (!(p > 0 && p <= 100)) fail(`'${t}' is not a percentage in (0, 100]`);
      o.sizePercent = p;
      o.size = null;
    } else {
      o.size = size(t, fail);
      o.sizePercent = null;
    }
  },
  offset: (o, v, fail) => {
    const t = need(v, fail);
    if (t.endsWith('%')) {
      const p = Number(t.slice(0, -1));
      if (!(p >= 0 && p < 100)) fail(`'${t}' is not a percentage in [0, 100)`);
      o.offsetPercent = p;
    } else o.offset = size(t, fail);
  },
  offset_increment: (o, v, fail) => void (o.offsetIncrement = size(need(v, fail), fail)),
  runtime: (o, v, fail) => void (o.runtime = time(v, 1e9, fail)),
  time_based: (o, v, fail) => void (o.timeBased = bool(v, fail)),
  ramp_time: (o, v, fail) => void (o.rampTime = time(v, 1e9, fail)),
  startdelay: (o, v, fail) => void (o.startDelay = time(v, 1e9, fail)),
  iodepth: (o, v, fail) => void (o.iodepth = int(v, fail, 1, 65536)),
  numjobs: (o, v, fail) => void (o.numjobs = int(v, fail, 1, 4096)),
  ioengine: (o, v, fail) => {
    const t = need(v, fail);
    if (!['sync', 'psync', 'libaio', 'io_uring', 'null'].includes(t)) fail(`'${t}' is not a supported engine (sync, psync, libaio, io_uring, null)`);
    o.ioengine = t as IoEngine;
  },
  direct: (o, v, fail) => void (o.direct = bool(v, fail)),
  buffered: (o, v, fail) => void (o.direct = !bool(v, fail)),
  rwmixread: (o, v, fail) => void (o.rwmixread = int(v, fail, 0, 100)),
  rwmixwrite: (o, v, fail) => void (o.rwmixread = 100 - int(v, fail, 0, 100)),
  randrepeat: (o, v, fail) => void (o.randrepeat = bool(v, fail)),
  randseed: (o, v, fail) => void (o.randseed = int(v, fail)),
  random_distribution: (o, v, fail) => {
    const t = need(v, fail);
    const [kind, arg] = t.split(':');
    if (kind === 'random') o.randomDistribution = { kind: 'random' };
    else if (kind === 'zipf') {
      const theta = Number(arg);
      if (!(theta > 0) || theta === 1) fail(`zipf needs a theta > 0 other than 1, e.g. zipf:1.2 (got '${t}')`);
      o.randomDistribution = { kind: 'zipf', theta };
    } else if (kind === 'pareto') {
      const h = Number(arg);
      if (!(h > 0 && h < 1)) fail(`pareto needs a power in (0, 1), e.g. pareto:0.9 (got '${t}')`);
      o.randomDistribution = { kind: 'pareto', h };
    } else fail(`'${kind}' is not a supported distribution (random, zipf:theta, pareto:h)`);
  },
  rate: (o, v, fail) => void (o.rate = perDirection(need(v, fail), (t) => size(t, fail), [0, 0, 0])),
  rate_iops: (o, v, fail) => void (o.rateIops = perDirection(need(v, fail), (t) => int(t, fail), [0, 0, 0])),
  thinktime: (o, v, fail) => void (o.thinktime = time(v, 1e3, fail)),
  fsync: (o, v, fail) => void (o.fsync = int(v, fail)),
  end_fsync: (o, v, fail) => void (o.endFsync = bool(v, fail)),
  group_reporting: (o, v, fail) => void (o.groupReporting = bool(v, fail)),
  stonewall: (o, v, fail) => void (o.stonewall = bool(v, fail)),
  wait_for_previous: (o, v, fail) => void (o.stonewall = bool(v, fail)),
  new_group: (o, v, fail) => void (o.newGroup = bool(v, fail)),
  filename: (o, v, fail) => {
    const t = need(v, fail);
    if (t.includes(':')) fail('several files per job (a:b) are not supported; use one job per device');
    o.filename = t;
  },
  cpus_allowed: (o, v, fail) => void (o.cpusAllowed = cpuList(need(v, fail), fail)),
  cpus_allowed_policy: (o, v, fail) => {
    const t = need(v, fail);
    if (t !== 'shared' && t !== 'split') fail(`'${t}' is not a policy (shared, split)`);
    o.cpusAllowedPolicy = t as 'shared' | 'split';
  },
  percentile_list: (o, v, fail) => {
    const list = need(v, fail).split(':').map(Number);
    if (list.some((p) => !(p > 0 && p <= 100)) || list.length > 20) fail('must be up to 20 percentiles in (0, 100] separated by ":"');
    o.percentileList = list;
  },
  buffer_compress_percentage: (o, v, fail) => void (o.bufferCompressPercentage = int(v, fail, 0, 100)),
  dedupe_percentage: (o, v, fail) => void (o.dedupePercentage = int(v, fail, 0, 100)),
  // What the buffers hold (see describeData in job.ts): fio's fill_io_buffer choices.
  buffer_pattern: (o, v, fail) => void (o.bufferPattern = need(v, fail)),
  zero_buffers: (o, v, fail) => void (o.zeroBuffers = v === null ? true : bool(v, fail)),
  refill_buffers: (o, v, fail) => void (o.refillBuffers = v === null ? true : bool(v, fail)),
  scramble_buffers: (o, v, fail) => void (o.scrambleBuffers = v === null ? true : bool(v, fail)),
  // Per-interval logs (logs.ts).
  write_bw_log: (o, v, fail) => void (o.writeBwLog = need(v, fail)),
  write_iops_log: (o, v, fail) => void (o.writeIopsLog = need(v, fail)),
  write_lat_log: (o, v, fail) => void (o.writeLatLog = need(v, fail)),
  log_avg_msec: (o, v, fail) => void (o.logAvgMsec = int(v, fail, 0, 2 ** 31)),
  log_max_value: (o, v, fail) => void (o.logMaxValue = bool(v, fail)),
  log_offset: (o, v, fail) => void (o.logOffset = bool(v, fail)),
  per_job_logs: (o, v, fail) => void (o.perJobLogs = bool(v, fail)),
};

/** fio accepts these spellings too. */
const ALIASES: Record<string, string> = { readwrite: 'rw', blocksize: 'bs', io_size: 'size' };

export const SUPPORTED_OPTIONS = Object.keys(SETTERS).sort();

/** The options of one job section, checked, with fio's defaults for the rest. */
export function jobOptions(section: JobSection, source: string): JobOptions {
  const o = defaultOptions(section.name, section.line);
  for (const opt of section.options) {
    const key = ALIASES[opt.key] || opt.key;
    const fail = (why: string): never => {
      throw new InputError(why, { file: source, line: opt.line, field: opt.key });
    };
    const set = SETTERS[key];
    if (set === undefined) {
      throw new InputError(`option '${opt.key}' is not supported by dmsim (supported: ${SUPPORTED_OPTIONS.join(', ')})`, {
        file: source,
        line: opt.line,
        field: opt.key,
      });
    }
    set(o, opt.value, fail);
    o.lines[key] = opt.line;
  }
  if (o.ioengine === 'sync' || o.ioengine === 'psync') o.iodepth = 1; // fio: no effect on sync engines
  if (o.timeBased && o.runtime === 0) {
    // fio would run such a job forever; a simulation that never ends helps nobody.
    throw new InputError('time_based needs a runtime (e.g. runtime=30)', { file: source, line: o.lines.time_based ?? o.line, field: 'time_based' });
  }
  if ((o.writeBwLog ?? o.writeIopsLog ?? o.writeLatLog) !== null && o.logAvgMsec === 0) {
    // fio's per-I/O logs grow with every I/O; dmsim keeps one sum per interval.
    const field = o.writeBwLog !== null ? 'write_bw_log' : o.writeIopsLog !== null ? 'write_iops_log' : 'write_lat_log';
    throw new InputError('per-I/O logs (log_avg_msec=0, the default) are not modelled: give log_avg_msec=N (e.g. 1000) for one line per N ms', {
      file: source,
      line: o.lines.log_avg_msec ?? o.lines[field] ?? o.line,
      field: o.lines.log_avg_msec !== undefined ? 'log_avg_msec' : field,
    });
  }
  return o;
}
