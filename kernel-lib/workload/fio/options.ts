// The fio options dmsim understands, with fio's defaults and fio's value syntax. Anything
// else is an error naming the option and its line and listing what is supported: a silently
// ignored option would make a simulated result look like a measured one of a different job.
import { InputError } from '../../base/input-error.js';
import { FIO_PERCENTILES } from '../../sim/index.js';
import type { JobSection } from './job-file.js';
import { MAX_CORES } from '../../sim/cpu.js';
import { parseSize, parseTime } from './units.js';
import { BLOCK_ENGINES, engineRefusal, optionStatus, type IoEngine } from './option-table.js';

export type Ddir = 0 | 1 | 2; // DDIR_READ, DDIR_WRITE, DDIR_TRIM
export const DDIR_READ = 0;
export const DDIR_WRITE = 1;
export const DDIR_TRIM = 2;

export type { IoEngine } from './option-table.js';
/** bssplit: block sizes with their shares (percent) of a direction's I/Os. */
export type BsSplit = { bs: number; percent: number }[];
/** A zone of a zoned distribution: `access` percent of the I/Os fall in `size` (percent of the region, or bytes with zoned_abs). */
export type AccessZone = { access: number; size: number };
export type RandomDistribution =
  | { kind: 'random' }
  | { kind: 'zipf'; theta: number }
  | { kind: 'pareto'; h: number }
  | { kind: 'zoned'; absolute: boolean; zones: [AccessZone[], AccessZone[], AccessZone[]] }
  | { kind: 'sequence'; indices: number[] };

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
  /** rate_min / rate_iops_min per direction (0: none): the job fails when a rate_cycle ms window falls below (backend.c check_min_rate). */
  rateMin: [number, number, number];
  rateIopsMin: [number, number, number];
  rateCycleMs: number;
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
  /** log_avg_msec: the logs' interval, ms (0: fio's per-I/O logs). */
  logAvgMsec: number;
  /** log_max_value: latency logs hold the interval's maximum rather than its mean. */
  logMaxValue: boolean;
  /** log_offset: lines carry an offset column (0 for averaged samples, as in fio). */
  logOffset: boolean;
  /** per_job_logs (default on): one file per job (NAME_bw.N.log); off: the jobs share NAME_bw.log. */
  perJobLogs: boolean;
  /** loops: the job's I/O (io_size) is done this many times. */
  loops: number;
  /** io_size: bytes of I/O per loop, over the region of `size` (null: the region's size). */
  ioSize: number | null;
  /** number_ios: stop after this many I/Os (0: no limit). */
  numberIos: number;
  /** norandommap: uniform draws, a block may come twice before every block has. */
  norandommap: boolean;
  /** bsrange / bssplit per direction (null: the fixed bs). */
  bsRange: ([number, number] | null)[];
  bsSplit: (BsSplit | null)[];
  /** blockalign per direction (0: the direction's smallest block size). */
  blockAlign: [number, number, number];
  /** rw=...:N: for sequential, bytes added after each I/O (negative: backwards); for random, a new offset every N I/Os. */
  rwSeqAdd: number;
  rwSeqNr: number;
  /** rw_sequencer: the I/Os between new random offsets go on sequentially or repeat the offset. */
  rwSequencer: 'sequential' | 'identical';
  /** percentage_random per direction: share of random I/Os in a random job. */
  percentageRandom: [number, number, number];
  randomGenerator: 'tausworthe' | 'lfsr' | 'tausworthe64';
  /** zonemode=strided: zonesize bytes of I/O per zone of zonerange bytes, then skip zoneskip. */
  zoneMode: 'none' | 'strided';
  zoneSize: number;
  zoneRange: number;
  zoneSkip: number;
  /** verify=: the written blocks are read back (verify 'none': no). */
  verify: string;
  doVerify: boolean;
  verifyOnly: boolean;
  /** verify_backlog: verify after every N writes (0: after the write phase). */
  verifyBacklog: number;
  /** verify_async: threads that check the blocks read back (0: the job's thread does). */
  verifyAsync: number;
  /** fdatasync=N: as fsync for a block device (no metadata to skip). */
  fdatasync: number;
  /** sync_file_range=flags:N: start (and wait for) writeback of the job's dirty pages every N writes, without a cache flush. */
  syncFileRange: number;
  syncFileRangeWait: boolean;
  /** sync=1 (O_SYNC/O_DSYNC): every write is followed by a cache flush. */
  syncWrites: boolean;
  /** rate_process=poisson: exponential gaps between I/Os at the rate's mean. */
  ratePoisson: boolean;
  iodepthBatchSubmit: number;
  iodepthBatchCompleteMin: number;
  iodepthBatchCompleteMax: number;
  /** iodepth_low: once the queue is full, it drains to this many before new I/O (default iodepth). */
  iodepthLow: number;
  /** thinktime_blocks: thinktime after this many I/Os. */
  thinktimeBlocks: number;
  /** offset_align: offset= given as a percentage rounds to this (0: the block size). */
  offsetAlign: number;
  /** filesize (one file: the region); a range draws per job. */
  fileSize: [number, number] | null;
  nrfiles: number;
  directory: string | null;
  /** openfiles: files open at once (0: all of the job's files, fio's default). */
  openFiles: number;
  /** opendir: every regular file under this directory is one of the job's files. */
  opendir: string | null;
  /** filename_format: names of the nrfiles files ($jobname, $jobnum, $filenum); null: fio's default $jobname.$jobnum.$filenum. */
  filenameFormat: string | null;
  /** file_service_type: how the next file is picked (job-files.ts), every fileServiceNr I/Os; fileServiceParam: zipf's theta, pareto's h, normal's deviation (%). */
  fileServiceType: 'roundrobin' | 'sequential' | 'random' | 'zipf' | 'pareto' | 'gauss';
  fileServiceNr: number;
  fileServiceParam: number;
  /** exitall: when one job finishes, the others stop. */
  exitall: boolean;
  /** wait_for: start when the named job has finished. */
  waitFor: string | null;
  /** random_sequence_stride: a sequence distribution's indices are relative to a group that moves on each cycle. */
  randomSequenceStride: boolean;
  /** Accepted options with no effect on the model's I/O (option-table.ts), as given. */
  noEffect: string[];
}

export function defaultOptions(name: string, line: number): JobOptions {
  return {
    name, line, lines: {}, readwrite: 'read', ddirs: { read: true, write: false, trim: false }, random: false,
    bs: [4096, 4096, 4096], size: null, sizePercent: null, offset: 0, offsetPercent: null, offsetIncrement: 0,
    runtime: 0, timeBased: false, rampTime: 0, startDelay: 0, iodepth: 1, numjobs: 1, ioengine: 'psync',
    direct: false, rwmixread: 50, randrepeat: true, randseed: 0x89, randomDistribution: { kind: 'random' },
    rate: [0, 0, 0], rateIops: [0, 0, 0], rateMin: [0, 0, 0], rateIopsMin: [0, 0, 0], rateCycleMs: 1000, thinktime: 0, fsync: 0, endFsync: false, groupReporting: false, stonewall: false, newGroup: false,
    filename: null, percentileList: FIO_PERCENTILES, bufferCompressPercentage: 0, dedupePercentage: 0,
    bufferPattern: null, zeroBuffers: false, refillBuffers: false, scrambleBuffers: true,
    cpusAllowed: null, cpusAllowedPolicy: 'shared',
    writeBwLog: null, writeIopsLog: null, writeLatLog: null, logAvgMsec: 0, logMaxValue: false, logOffset: false, perJobLogs: true,
    loops: 1, ioSize: null, numberIos: 0, norandommap: false, bsRange: [null, null, null], bsSplit: [null, null, null], blockAlign: [0, 0, 0],
    rwSeqAdd: 0, rwSeqNr: 1, rwSequencer: 'sequential', percentageRandom: [100, 100, 100], randomGenerator: 'tausworthe',
    zoneMode: 'none', zoneSize: 0, zoneRange: 0, zoneSkip: 0, verify: 'none', doVerify: true, verifyOnly: false, verifyBacklog: 0, verifyAsync: 0,
    fdatasync: 0, syncFileRange: 0, syncFileRangeWait: false, syncWrites: false, ratePoisson: false,
    iodepthBatchSubmit: 1, iodepthBatchCompleteMin: 1, iodepthBatchCompleteMax: 0, iodepthLow: 0, thinktimeBlocks: 1, offsetAlign: 0,
    fileSize: null, nrfiles: 1, directory: null, openFiles: 0, opendir: null, filenameFormat: null, fileServiceType: 'roundrobin', fileServiceNr: 1, fileServiceParam: 0, exitall: false, waitFor: null, randomSequenceStride: false, noEffect: [],
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
    const [t, suffix] = need(v, fail).split(':');
    const rw = RW[t];
    if (rw === undefined) fail(`'${t}' is not a supported pattern (${Object.keys(RW).join(', ')})`);
    o.rwSeqAdd = 0;
    o.rwSeqNr = 1;
    if (suffix !== undefined && suffix.trim() !== '') {
      // fio's str_rw_cb: a number of I/Os per random offset, or (sequential) a signed hole size.
      const neg = suffix.trim().startsWith('-');
      const n = size(suffix.trim().replace(/^[-+]/, ''), fail);
      if (rw.random) {
        if (neg || n < 1) fail(`'${suffix}': a random pattern takes a number of I/Os per new offset (e.g. randread:8)`);
        o.rwSeqNr = n;
      } else o.rwSeqAdd = neg ? -n : n;
    }
    o.readwrite = t;
    o.ddirs = { read: rw.read, write: rw.write, trim: rw.trim };
    o.random = rw.random;
  },
  bs: (o, v, fail) => {
    o.bs = perDirection(need(v, fail), (t) => size(t, fail), o.bs);
    if (o.bs.some((b) => b <= 0 || b % 512 !== 0)) fail('block sizes must be positive multiples of 512 (a size such as 4160 is an extended-LBA format carrying NVMe metadata, which is not modelled)');
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
    const refused = engineRefusal(t);
    if (refused !== null) fail(refused);
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
    } else if (kind === 'zoned' || kind === 'zoned_abs') {
      const sets = t.slice(kind.length + 1).split(',').map((set) => parseZones(set, kind === 'zoned_abs', fail));
      const zones = [0, 1, 2].map((d) => sets[d] ?? (sets.length === 2 && d === 2 ? sets[1] : sets[0])) as [AccessZone[], AccessZone[], AccessZone[]];
      o.randomDistribution = { kind: 'zoned', absolute: kind === 'zoned_abs', zones };
    } else if (kind === 'sequence') {
      const indices = (arg ?? '').split(',').map((x) => int(x.trim(), fail));
      if (indices.length > 64) fail('a sequence has at most 64 block indices');
      o.randomDistribution = { kind: 'sequence', indices };
    } else fail(`'${kind}' is not a supported distribution (random, zipf:theta, pareto:h, zoned, zoned_abs, sequence)`);
  },
  random_sequence_stride: (o, v, fail) => void (o.randomSequenceStride = bool(v, fail)),
  cmd_type: (o, v, fail) => {
    const t = need(v, fail);
    if (t !== 'nvme') fail(`cmd_type=${t}: only NVMe passthrough (cmd_type=nvme) is modelled; SCSI commands through bsg are not`);
  },
  rate: (o, v, fail) => void (o.rate = perDirection(need(v, fail), (t) => size(t, fail), [0, 0, 0])),
  rate_iops: (o, v, fail) => void (o.rateIops = perDirection(need(v, fail), (t) => int(t, fail), [0, 0, 0])),
  rate_min: (o, v, fail) => void (o.rateMin = perDirection(need(v, fail), (t) => size(t, fail), [0, 0, 0])),
  rate_iops_min: (o, v, fail) => void (o.rateIopsMin = perDirection(need(v, fail), (t) => int(t, fail), [0, 0, 0])),
  rate_cycle: (o, v, fail) => void (o.rateCycleMs = int(v, fail, 1)),
  thinktime: (o, v, fail) => void (o.thinktime = time(v, 1e3, fail)),
  fsync: (o, v, fail) => void (o.fsync = int(v, fail)),
  end_fsync: (o, v, fail) => void (o.endFsync = bool(v, fail)),
  group_reporting: (o, v, fail) => void (o.groupReporting = bool(v, fail)),
  stonewall: (o, v, fail) => void (o.stonewall = bool(v, fail)),
  wait_for_previous: (o, v, fail) => void (o.stonewall = bool(v, fail)),
  new_group: (o, v, fail) => void (o.newGroup = bool(v, fail)),
  // fio separates files with ':' and escapes a literal one as '\\:' (job-files.ts splits them).
  filename: (o, v, fail) => void (o.filename = need(v, fail)),
  openfiles: (o, v, fail) => void (o.openFiles = int(v, fail, 1)),
  opendir: (o, v, fail) => void (o.opendir = need(v, fail).replace(/\/$/, '') || '/'),
  filename_format: (o, v, fail) => {
    const t = need(v, fail);
    const unknown = /\$(?!jobname|jobnum|filenum)\w*/.exec(t);
    if (unknown !== null) fail(`'${unknown[0]}' in a file name format is not modelled ($jobname, $jobnum, $filenum are)`);
    o.filenameFormat = t;
  },
  loops: (o, v, fail) => void (o.loops = int(v, fail, 1)),
  io_size: (o, v, fail) => {
    const t = need(v, fail);
    if (t.endsWith('%')) fail('io_size as a percentage is not modelled; give bytes');
    o.ioSize = size(t, fail);
  },
  number_ios: (o, v, fail) => void (o.numberIos = int(v, fail)),
  norandommap: (o, v, fail) => void (o.norandommap = bool(v, fail)),
  bsrange: (o, v, fail) => {
    const parts = need(v, fail).split(',');
    const ranges = parts.slice(0, 3).map((p) => {
      if (p.trim() === '') return null;
      const [lo, hi] = p.split('-').map((x) => size(x.trim(), fail));
      if (hi === undefined || !(lo > 0 && hi >= lo) || lo % 512 !== 0 || hi % 512 !== 0) fail(`'${p}' is not a range of block sizes (e.g. 4k-64k, multiples of 512)`);
      return [lo, hi] as [number, number];
    });
    o.bsRange = [0, 1, 2].map((d) => ranges[d] ?? (d === 2 && ranges.length === 2 ? ranges[1] : ranges.length === 1 ? ranges[0] : o.bsRange[d]));
    o.bsRange.forEach((r, d) => {
      if (r !== null) o.bs[d] = r[0];
    });
  },
  bssplit: (o, v, fail) => {
    // fio's bssplit_ddir: "bs/percent:bs/percent,..." per direction; a missing percentage shares what is left.
    const parts = need(v, fail).split(',');
    const splits = parts.slice(0, 3).map((p) => {
      if (p.trim() === '') return null;
      const entries = p.split(':').map((e) => {
        const [b, pc] = e.split('/');
        const bs = size(b.trim(), fail);
        if (!(bs > 0) || bs % 512 !== 0) fail(`'${b}': block sizes must be positive multiples of 512`);
        const percent = pc === undefined || pc.trim() === '' ? NaN : Number(pc);
        if (pc !== undefined && pc.trim() !== '' && !(percent >= 0 && percent <= 100)) fail(`'${e}': the percentage must be in 0..100`);
        return { bs, percent };
      });
      const given = entries.filter((e) => !Number.isNaN(e.percent)).reduce((a, e) => a + e.percent, 0);
      if (given > 100) fail(`'${p}': the percentages add up to ${given}, more than 100`);
      const open = entries.filter((e) => Number.isNaN(e.percent));
      for (const e of open) e.percent = (100 - given) / open.length;
      return entries;
    });
    o.bsSplit = [0, 1, 2].map((d) => splits[d] ?? (splits.length === 1 ? splits[0] : d === 2 && splits.length === 2 ? splits[1] : o.bsSplit[d]));
    o.bsSplit.forEach((sp, d) => {
      if (sp !== null) o.bs[d] = Math.min(...sp.map((e) => e.bs));
    });
  },
  blockalign: (o, v, fail) => {
    o.blockAlign = perDirection(need(v, fail), (t) => size(t, fail), o.blockAlign);
    if (o.blockAlign.some((b) => b % 512 !== 0)) fail('alignments must be multiples of 512');
  },
  percentage_random: (o, v, fail) => void (o.percentageRandom = perDirection(need(v, fail), (t) => int(t, fail, 0, 100), o.percentageRandom)),
  random_generator: (o, v, fail) => {
    const t = need(v, fail);
    if (t !== 'tausworthe' && t !== 'lfsr' && t !== 'tausworthe64') fail(`'${t}' is not a generator (tausworthe, lfsr, tausworthe64)`);
    o.randomGenerator = t as JobOptions['randomGenerator'];
  },
  rw_sequencer: (o, v, fail) => {
    const t = need(v, fail);
    if (t !== 'sequential' && t !== 'identical') fail(`'${t}' is not a sequencer (sequential, identical)`);
    o.rwSequencer = t as JobOptions['rwSequencer'];
  },
  zonemode: (o, v, fail) => {
    const t = need(v, fail);
    if (t === 'zbd') fail('zonemode=zbd: zoned block devices are not modelled');
    if (t !== 'none' && t !== 'strided') fail(`'${t}' is not a zone mode (none, strided, zbd)`);
    o.zoneMode = t as JobOptions['zoneMode'];
  },
  zonesize: (o, v, fail) => void (o.zoneSize = size(need(v, fail), fail)),
  zonerange: (o, v, fail) => void (o.zoneRange = size(need(v, fail), fail)),
  zoneskip: (o, v, fail) => void (o.zoneSkip = size(need(v, fail), fail)),
  verify: (o, v, fail) => {
    const t = need(v, fail);
    const kinds = ['none', '0', 'md5', 'crc64', 'crc32c', 'crc32c-intel', 'crc32', 'crc16', 'crc7', 'xxhash', 'sha512', 'sha256', 'sha1', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512', 'meta', 'pattern', 'null'];
    if (!kinds.includes(t)) fail(`'${t}' is not a verify method (${kinds.join(', ')})`);
    o.verify = t === '0' ? 'none' : t;
  },
  do_verify: (o, v, fail) => void (o.doVerify = bool(v, fail)),
  verify_only: (o, v, fail) => void (o.verifyOnly = bool(v, fail)),
  verify_backlog: (o, v, fail) => void (o.verifyBacklog = int(v, fail)),
  verify_async: (o, v, fail) => void (o.verifyAsync = int(v, fail, 0, 1024)),
  fdatasync: (o, v, fail) => void (o.fdatasync = int(v, fail)),
  sync_file_range: (o, v, fail) => {
    const [flags, n] = need(v, fail).split(':');
    const known = ['wait_before', 'write', 'wait_after'];
    const list = flags.split(',').map((f) => f.trim());
    if (list.some((f) => !known.includes(f))) fail(`'${flags}': flags are ${known.join(', ')}`);
    o.syncFileRange = int(n ?? null, fail, 1);
    o.syncFileRangeWait = list.includes('wait_after');
  },
  sync: (o, v, fail) => {
    const t = v ?? '1';
    if (/^(0|none|false|no|off)$/i.test(t)) o.syncWrites = false;
    else if (/^(1|sync|dsync|true|yes|on)$/i.test(t)) o.syncWrites = true;
    else fail(`'${t}' is not a sync mode (none, sync, dsync, 0, 1)`);
  },
  rate_process: (o, v, fail) => {
    const t = need(v, fail);
    if (t !== 'linear' && t !== 'poisson') fail(`'${t}' is not a rate process (linear, poisson)`);
    o.ratePoisson = t === 'poisson';
  },
  iodepth_batch_submit: (o, v, fail) => void (o.iodepthBatchSubmit = Math.max(1, int(v, fail, 0, 65536))),
  iodepth_batch_complete_min: (o, v, fail) => void (o.iodepthBatchCompleteMin = int(v, fail, 0, 65536)),
  iodepth_batch_complete_max: (o, v, fail) => void (o.iodepthBatchCompleteMax = int(v, fail, 0, 65536)),
  iodepth_low: (o, v, fail) => void (o.iodepthLow = int(v, fail, 0, 65536)),
  thinktime_blocks: (o, v, fail) => void (o.thinktimeBlocks = int(v, fail, 1)),
  offset_align: (o, v, fail) => void (o.offsetAlign = size(need(v, fail), fail)),
  fill_device: (o, v, fail) => {
    if (bool(v, fail)) {
      o.size = null;
      o.sizePercent = null;
    }
  },
  filesize: (o, v, fail) => {
    const [lo, hi] = need(v, fail).split('-').map((x) => size(x.trim(), fail));
    o.fileSize = [lo, hi ?? lo];
    if (!(o.fileSize[1] >= o.fileSize[0] && o.fileSize[0] > 0)) fail('a file size or a range lo-hi');
  },
  nrfiles: (o, v, fail) => void (o.nrfiles = int(v, fail, 1)),
  directory: (o, v, fail) => {
    const t = need(v, fail);
    if (/(^|[^\\]):/.test(t)) fail('several directories per job are not supported');
    o.directory = t;
  },
  file_service_type: (o, v, fail) => {
    // options.c str_fst_cb: random/roundrobin/sequential take ':N' I/Os per file; the skewed
    // ones ':theta', ':h' or ':dev' (fio's defaults 1.1, 0.2, 0).
    const m = /^(random|roundrobin|sequential|zipf|pareto|normal|gauss)(?::([\d.]+))?$/.exec(need(v, fail));
    if (m === null) fail(`'${v}' is not a file service type (random, roundrobin, sequential, zipf, pareto, normal, each with an optional :N)`);
    const kind = m![1] === 'normal' ? 'gauss' : (m![1] as JobOptions['fileServiceType']);
    o.fileServiceType = kind;
    o.fileServiceNr = 1;
    if (kind === 'random' || kind === 'roundrobin' || kind === 'sequential') {
      if (m![2] !== undefined) o.fileServiceNr = Math.max(1, Math.floor(Number(m![2])));
      return;
    }
    const val = m![2] !== undefined ? Number(m![2]) : kind === 'zipf' ? 1.1 : kind === 'pareto' ? 0.2 : 0;
    if (kind === 'zipf' && !(val > 0 && val !== 1)) fail('zipf theta must be > 0 and different from 1.0');
    if (kind === 'pareto' && !(val > 0 && val < 1)) fail('pareto input out of range (0 < input < 1.0)');
    if (kind === 'gauss' && !(val >= 0 && val < 100)) fail('normal deviation out of range (0 <= input < 100.0)');
    o.fileServiceParam = val;
  },
  fsync_on_close: (o, v, fail) => void (o.endFsync = o.endFsync || bool(v, fail)),
  exitall: (o, v, fail) => void (o.exitall = bool(v, fail)),
  wait_for: (o, v, fail) => void (o.waitFor = need(v, fail)),
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
  // Without a name fio uses the job's name (jobname_bw.N.log).
  write_bw_log: (o, v) => void (o.writeBwLog = v ?? o.name),
  write_iops_log: (o, v) => void (o.writeIopsLog = v ?? o.name),
  write_lat_log: (o, v) => void (o.writeLatLog = v ?? o.name),
  log_avg_msec: (o, v, fail) => void (o.logAvgMsec = int(v, fail, 0, 2 ** 31)),
  // log_window_value (its newer name) takes avg / max; both (two columns) is not written.
  log_max_value: (o, v, fail) => {
    if (v === 'avg' || v === 'max') o.logMaxValue = v === 'max';
    else if (v === 'both') fail('log_window_value=both (two value columns) is not written; give avg or max');
    else o.logMaxValue = bool(v, fail);
  },
  log_offset: (o, v, fail) => void (o.logOffset = bool(v, fail)),
  per_job_logs: (o, v, fail) => void (o.perJobLogs = bool(v, fail)),
};

/** fio accepts these spellings too. */
const ALIASES: Record<string, string> = {
  readwrite: 'rw', blocksize: 'bs', io_limit: 'io_size', fileoffset: 'offset', ba: 'blockalign', blocksize_range: 'bsrange',
  nr_files: 'nrfiles', timeout: 'runtime', iodepth_batch: 'iodepth_batch_submit', iodepth_batch_complete: 'iodepth_batch_complete_min',
  fill_fs: 'fill_device', ratemin: 'rate_min', ratecycle: 'rate_cycle', allrandrepeat: 'randrepeat', log_window_value: 'log_max_value', disable_bw: 'disable_bw_measurement',
};

export const SUPPORTED_OPTIONS = Object.keys(SETTERS).sort();

/** What dmsim does with a fio option named as in a job file (aliases followed). */
export function fioOptionStatus(name: string) {
  const key = ALIASES[name] || name;
  return optionStatus(key, (k) => SETTERS[k] !== undefined);
}

/** The options of one job section, checked, with fio's defaults for the rest. */
export function jobOptions(section: JobSection, source: string): JobOptions {
  const o = defaultOptions(section.name, section.line);
  // A job for an engine dmsim does not run is refused for its engine, before its other options.
  const engine = [...section.options].reverse().find((x) => x.key === 'ioengine');
  if (engine !== undefined && engineRefusal(engine.value ?? '') !== null) {
    throw new InputError(engineRefusal(engine.value ?? '')!, { file: source, line: engine.line, field: 'ioengine' });
  }
  for (const opt of section.options) {
    const key = ALIASES[opt.key] || opt.key;
    const fail = (why: string): never => {
      throw new InputError(why, { file: source, line: opt.line, field: opt.key });
    };
    const set = SETTERS[key];
    if (set === undefined) {
      const st = optionStatus(key, () => false);
      if (st === undefined) fail(`'${opt.key}' is not a fio option (fio's HOWTO lists them; dmsim's handling of each is in workload/fio/option-table.ts)`);
      if (st!.status === 'refused' && !(st!.defaults ?? []).includes(opt.value ?? '1')) {
        fail(`option '${opt.key}' is not modelled by dmsim: ${st!.why}`);
      }
      o.noEffect.push(opt.key);
      o.lines[key] = opt.line;
      continue;
    }
    // fio counts a time given as an arithmetic expression in microseconds.
    const value = opt.expr === true && TIME_OPTIONS.includes(key) ? `${opt.value}us` : opt.value;
    set(o, value, fail);
    o.lines[key] = opt.line;
  }
  if (SYNC_ENGINES.includes(o.ioengine)) o.iodepth = 1; // fio: no effect on sync engines
  checkJob(o, source);
  if (o.timeBased && o.runtime === 0) {
    // fio would run such a job forever; a simulation that never ends helps nobody.
    throw new InputError('time_based needs a runtime (e.g. runtime=30)', { file: source, line: o.lines.time_based ?? o.line, field: 'time_based' });
  }
  return o;
}

const TIME_OPTIONS = ['runtime', 'ramp_time', 'startdelay', 'thinktime'];

/** Engines that issue one I/O at a time from the job's thread (fio's FIO_SYNCIO engines; mmap copies in the thread). */
export const SYNC_ENGINES: readonly IoEngine[] = ['sync', 'psync', 'vsync', 'pvsync', 'pvsync2', 'mmap'];
void BLOCK_ENGINES;

/** Cross-option checks fio makes (or that the model needs), at the line of the option at fault. */
function checkJob(o: JobOptions, source: string): void {
  const at = (field: string) => ({ file: source, line: o.lines[field] ?? o.line, field });
  if (o.zoneMode === 'strided') {
    if (o.zoneSize === 0) throw new InputError('zonemode=strided needs zonesize', at('zonemode'));
    if (o.zoneRange === 0) o.zoneRange = o.zoneSize; // fio: zonerange defaults to zonesize
  } else if (o.zoneSize > 0 || o.zoneSkip > 0) {
    // fio before zonemode: a zonesize alone means strided zones.
    o.zoneMode = 'strided';
    if (o.zoneRange === 0) o.zoneRange = o.zoneSize;
  }
  if (o.iodepthLow === 0 || o.iodepthLow > o.iodepth) o.iodepthLow = o.iodepth;
  if (o.iodepthBatchSubmit > o.iodepth) o.iodepthBatchSubmit = o.iodepth;
}

/** "50/5:30/15:20/": access percent / size (percent, or bytes with zoned_abs); an empty size takes what is left (fio's parse_zoned_distribution). */
function parseZones(text: string, absolute: boolean, fail: (why: string) => never): AccessZone[] {
  const zones = text.split(':').map((z) => {
    const [a, sz] = z.split('/');
    const access = Number(a);
    if (!(access >= 0 && access <= 100) || sz === undefined) fail(`'${z}' is not access%/size`);
    const size = sz.trim() === '' ? NaN : absolute ? parseSize(sz) : Number(sz);
    if (sz.trim() !== '' && !(size > 0)) fail(`'${z}': the zone's size must be > 0`);
    return { access, size };
  });
  if (zones.length > 256) fail('at most 256 zones');
  const access = zones.reduce((s, z) => s + z.access, 0);
  if (Math.abs(access - 100) > 1e-9) fail(`'${text}': the access percentages add up to ${access}, not 100`);
  if (!absolute) {
    const given = zones.filter((z) => !Number.isNaN(z.size)).reduce((s, z) => s + z.size, 0);
    const open = zones.filter((z) => Number.isNaN(z.size));
    for (const z of open) z.size = (100 - given) / open.length;
    if (given > 100 + 1e-9) fail(`'${text}': the zones' sizes add up to ${given}%, more than 100`);
  } else if (zones.some((z) => Number.isNaN(z.size))) fail(`'${text}': zoned_abs needs every zone's size`);
  return zones;
}
