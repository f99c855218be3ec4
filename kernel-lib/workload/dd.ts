// dd, as GNU coreutils runs it: read a block of `bs` from `if`, write it to `of`, `count`
// times, one block at a time on one thread, then print its three lines (on stderr):
//   1000+0 records in
//   1000+0 records out
//   1048576000 bytes (1.0 GB, 1000 MiB) copied, 23.1 s, 45.4 MB/s
// Operands: if, of (a device of the scenario, /dev/zero, /dev/urandom or /dev/null), bs (or ibs/obs
// equal), count, seek, skip (in blocks), iflag/oflag (direct, sync, dsync, fullblock), conv (fdatasync,
// fsync, notrunc). At the end of a device it does what dd_copy does with the kernel's short
// reads and writes there: a partial last record read; a write cut short, then ENOSPC, the
// error line and exit status 1 (docs/references.md#dd). Sizes take dd's suffixes: c w b K M G T (powers of 1024), KB MB GB TB
// (powers of 1000), KiB MiB GiB TiB. status=none|noxfer|progress as GNU dd prints them.
// With oflag=direct (iflag=direct) writes (reads) go straight to the device, and
// oflag=sync/dsync add FUA to each write (the kernel's O_DSYNC direct write). Without it they
// go through the device's page cache: a write returns once copied (or once
// balance_dirty_pages lets it go), oflag=sync/dsync write back and wait after each block,
// and conv=fdatasync/fsync write everything back and flush once at the end, inside the timed
// copy (without it dd's time ends at the last write(), before writeback, as on a real machine).
import { Bio, REQ_FUA, REQ_PREFLUSH, REQ_SYNC } from '../block/bio.js';
import type { BlockDevice } from '../block/device.js';
import type { PageCache } from '../block/page-cache.js';
import { InputError } from '../base/input-error.js';
import { setBioPayload, ZERO_PAYLOAD } from '../block/bio-payload.js';
import { type CpuSet, type Thread, smpProcessorId } from '../sim/cpu.js';
import type { ProcessGenerator, SimEvent, Simulation } from '../sim/index.js';

export interface DdOptions {
  if: string;
  of: string;
  ibs: number;
  obs: number;
  count: number | null;
  seek: number;
  skip: number;
  iflag: Set<string>;
  oflag: Set<string>;
  conv: Set<string>;
  /** status=: default (the three lines), none (nothing), noxfer (no transfer line), progress (a transfer line every second, then the default). */
  status: 'default' | 'none' | 'noxfer' | 'progress';
}

const DD_UNITS: Record<string, number> = {
  '': 1, c: 1, w: 2, b: 512,
  k: 1024, K: 1024, KiB: 1024, kB: 1000, KB: 1000,
  M: 2 ** 20, MiB: 2 ** 20, MB: 1e6, G: 2 ** 30, GiB: 2 ** 30, GB: 1e9, T: 2 ** 40, TiB: 2 ** 40, TB: 1e12,
};

export function parseDdNumber(text: string, field: string, source: string): number {
  const m = /^(\d+)([a-zA-Z]*)$/.exec(text);
  const unit = m === null ? undefined : DD_UNITS[m[2]];
  if (m === null || unit === undefined) throw new InputError(`invalid number '${text}'`, { file: source, field });
  const n = Number(m[1]) * unit;
  if (!Number.isSafeInteger(n)) throw new InputError(`'${text}' is beyond 2^53, where counts stop being exact`, { file: source, field });
  return n;
}

// fullblock: a read of a device or /dev/zero always returns the whole block, so it changes nothing here.
const FLAGS = ['direct', 'sync', 'dsync', 'fullblock'];
const CONVS = ['fdatasync', 'fsync', 'notrunc'];

/** Parses `if=/dev/zero of=base bs=1M count=1000` (a string or a list of operands). */
export function parseDdOperands(operands: string | readonly string[], source = 'dd'): DdOptions {
  const words = typeof operands === 'string' ? operands.trim().split(/\s+/).filter((w) => w !== '' && w !== 'dd') : operands;
  const o: DdOptions = { if: '/dev/zero', of: '/dev/null', ibs: 512, obs: 512, count: null, seek: 0, skip: 0, iflag: new Set(), oflag: new Set(), conv: new Set(), status: 'default' };
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new InputError(`unrecognized operand '${w}' (operands look like key=value)`, { file: source, field: w });
    const key = w.slice(0, eq);
    const value = w.slice(eq + 1);
    const list = (allowed: string[]) => {
      const set = new Set(value.split(','));
      for (const f of set) if (!allowed.includes(f)) throw new InputError(`invalid ${key} '${f}' (supported: ${allowed.join(', ')})`, { file: source, field: key });
      return set;
    };
    switch (key) {
      case 'if': o.if = value; break;
      case 'of': o.of = value; break;
      case 'bs': o.ibs = o.obs = parseDdNumber(value, key, source); break;
      case 'ibs': o.ibs = parseDdNumber(value, key, source); break;
      case 'obs': o.obs = parseDdNumber(value, key, source); break;
      case 'count': o.count = parseDdNumber(value, key, source); break;
      case 'seek': o.seek = parseDdNumber(value, key, source); break;
      case 'skip': o.skip = parseDdNumber(value, key, source); break;
      case 'iflag': o.iflag = list(FLAGS); break;
      case 'oflag': o.oflag = list(FLAGS); break;
      case 'conv': o.conv = list(CONVS); break;
      case 'status':
        if (value !== 'none' && value !== 'noxfer' && value !== 'progress') throw new InputError(`invalid status level '${value}' (none, noxfer, progress)`, { file: source, field: key });
        o.status = value;
        break;
      default:
        throw new InputError(`unsupported operand '${key}' (supported: if, of, bs, ibs, obs, count, seek, skip, iflag, oflag, conv, status)`, { file: source, field: key });
    }
  }
  if (o.ibs !== o.obs) throw new InputError('ibs and obs must be equal in dmsim (use bs=)', { file: source, field: 'obs' });
  if (o.ibs <= 0 || o.ibs % 512 !== 0) throw new InputError(`block size ${o.ibs} must be a positive multiple of 512`, { file: source, field: 'bs' });
  return o;
}

export interface DdEnvironment {
  sim: Simulation;
  cpus: CpuSet | null;
  resolveFile(name: string): BlockDevice | undefined;
  /** CPU per block besides the copy: system calls (ns). */
  cpuNsPerIo: number;
  /** Memory copy / zeroing cost per byte (ns). */
  copyNsPerByte: number;
  source: string;
  warn(message: string): void;
  /** The page cache of a device, for I/O without iflag/oflag=direct. */
  pageCache?: (dev: BlockDevice) => PageCache | null;
}

export interface DdResult {
  recordsIn: number;
  recordsOut: number;
  /** Partial records ("+1"): a short read at the end of the input device, and its write. */
  partialIn?: number;
  partialOut?: number;
  bytes: number;
  seconds: number;
  /** What dd prints on stderr: an error line if any, then its three lines. */
  text: string;
  /** dd's exit status: 1 after a write error (ENOSPC at the end of the output device). */
  exitStatus?: number;
}

export class DdRun {
  private readonly input: BlockDevice | null;
  private readonly output: BlockDevice | null;
  /** Blocks dd asks for: count=, or until the input ends or a write fails. */
  private readonly blocks: number;
  /** Bytes from skip= to the end of the input device, and from seek= to the end of the output one. */
  private readonly inBytes: number;
  private readonly outBytes: number;
  private readonly thread: Thread | null;
  private readonly inCache: PageCache | null = null;
  private readonly outCache: PageCache | null = null;
  private recordsIn = 0;
  /** status=progress: the transfer lines printed each second. */
  private readonly progress: string[] = [];
  private recordsOut = 0;
  private partialIn = 0;
  private partialOut = 0;
  /** Bytes written, the short write at the device's end included. */
  private bytes = 0;
  /** dd's error line (ENOSPC), or null. */
  private error: string | null = null;
  private t0 = 0;
  private t1 = 0;

  constructor(
    private readonly env: DdEnvironment,
    readonly options: DdOptions,
  ) {
    const o = options;
    const open = (name: string, field: string, special: string) => {
      if (name === special || (field === 'if' && name === '/dev/urandom')) return null;
      const dev = env.resolveFile(name);
      if (dev === undefined) throw new InputError(`no device, volume or target called '${name}'`, { file: env.source, field });
      return dev;
    };
    this.input = open(o.if, 'if', '/dev/zero');
    this.output = open(o.of, 'of', '/dev/null');
    const bs = o.ibs;
    this.inBytes = this.input ? this.input.sizeSectors * 512 - o.skip * bs : Infinity;
    this.outBytes = this.output ? this.output.sizeSectors * 512 - o.seek * bs : Infinity;
    // Starting at or past the end: GNU dd reads nothing ("cannot skip to specified offset")
    // or fails its first write with ENOSPC, and would report a copy of 0 bytes at an infinite
    // rate. Here it is a mistake in the operands, said as such.
    const pastEnd = (dev: BlockDevice, bytes: number, field: 'skip' | 'seek', what: string) => {
      if (bytes > 0 || o.count === 0) return;
      const size = Math.floor((dev.sizeSectors * 512) / bs);
      throw new InputError(`${field}=${o[field]} starts ${what} at or past the end of ${dev.name} (${size} blocks of ${bs} bytes)`, { file: env.source, field });
    };
    if (this.input !== null) pastEnd(this.input, this.inBytes, 'skip', 'reading');
    if (this.output !== null) pastEnd(this.output, this.outBytes, 'seek', 'writing');
    // Without count=, dd copies until the input ends (a device: its last, maybe partial,
    // block) or a write fails (/dev/zero onto a device ends in ENOSPC, as on a machine).
    this.blocks = Math.min(o.count ?? Infinity, Math.ceil(this.inBytes / bs), Math.floor(this.outBytes / bs) + 1);
    if (!Number.isFinite(this.blocks)) throw new InputError('count= is needed when copying /dev/zero to /dev/null', { file: env.source, field: 'count' });
    const cacheOf = (dev: BlockDevice | null, flags: Set<string>, what: string) => {
      if (dev === null || flags.has('direct')) return null;
      const cache = env.pageCache?.(dev) ?? null;
      if (cache === null) env.warn(`dd: no page cache for ${dev.name}; ${what} are issued as direct I/O`);
      return cache;
    };
    this.inCache = cacheOf(this.input, o.iflag, 'reads');
    this.outCache = cacheOf(this.output, o.oflag, 'writes');
    this.thread = env.cpus?.thread('dd') ?? null;
  }

  start(): SimEvent<unknown> {
    const self = this;
    const body = function* () {
      yield* self.run();
    };
    return this.thread ? this.thread.spawn(body) : this.env.sim.process(body, 'dd');
  }

  private *spend(ns: number): ProcessGenerator<void> {
    if (this.thread !== null) yield this.thread.exec(ns);
    else if (ns > 0) yield this.env.sim.timeout(ns);
  }

  private *io(dev: BlockDevice, bio: Bio): ProcessGenerator<void> {
    bio.thread = this.thread;
    bio.cpu = smpProcessorId(this.thread);
    yield* dev.submit(bio);
    yield bio.wait(this.env.sim);
    if (bio.status !== null) this.env.warn(`dd: ${bio.op} error ${bio.status} at sector ${bio.sector}`);
  }

  private *run(): ProcessGenerator<void> {
    const sim = this.env.sim;
    const o = this.options;
    const bs = o.ibs;
    const syncWrites = o.oflag.has('sync') || o.oflag.has('dsync');
    this.t0 = sim.now;
    let nextProgress = this.t0 + 1e9;
    for (let i = 0; i < this.blocks; i++) {
      if (o.status === 'progress' && sim.now >= nextProgress) {
        // GNU dd's progress line, once a second, overwritten in place (\r) on a terminal.
        this.progress.push(ddTransferLine(this.bytes, (sim.now - this.t0) / 1e9));
        nextProgress += 1e9 * Math.max(1, Math.floor((sim.now - nextProgress) / 1e9) + 1);
      }
      // blkdev_read_iter stops at the device's end: the last read may be short (a partial
      // record, "+1"); the next would return 0, EOF.
      const n = Math.min(bs, this.inBytes - i * bs);
      yield* this.spend(this.env.cpuNsPerIo + n * this.env.copyNsPerByte);
      if (this.inCache !== null) yield* this.inCache.read(this.thread, o.skip * bs + i * bs, n);
      else if (this.input !== null) yield* this.io(this.input, new Bio('read', (o.skip * bs + i * bs) / 512, n / 512));
      if (n === bs) this.recordsIn++;
      else this.partialIn++;
      yield* this.spend(this.env.cpuNsPerIo);
      // blkdev_write_iter truncates a write at the device's end (a short write) and fails the
      // next with ENOSPC; dd's iwrite retries the rest, gets ENOSPC, and dd stops there.
      const room = Math.max(0, this.outBytes - i * bs);
      const written = Math.min(n, room);
      if (written > 0) {
        if (this.outCache !== null) {
          // The pages keep the zeros of /dev/zero for writeback (unique data otherwise).
          yield* this.outCache.write(this.thread, o.seek * bs + i * bs, written, o.if === '/dev/zero' ? ZERO_PAYLOAD : null);
          if (syncWrites) yield* this.outCache.fsync(this.thread);
        } else if (this.output !== null) {
          const bio = new Bio('write', (o.seek * bs + i * bs) / 512, written / 512, REQ_SYNC | (syncWrites ? REQ_FUA : 0));
          // What the block holds, for targets that look (dedup, VDO): zeros from /dev/zero; from
          // /dev/urandom (or a device, whose content is not modelled) unique data.
          if (o.if === '/dev/zero') setBioPayload(bio, ZERO_PAYLOAD);
          yield* this.io(this.output, bio);
        }
      }
      this.bytes += written;
      if (written < n) {
        // dd_copy: w_bytes counts the short write, no record is counted for it, exit status 1.
        this.error = `dd: error writing '${o.of}': No space left on device`;
        break;
      }
      if (n === bs) this.recordsOut++;
      else this.partialOut++;
    }
    if (this.error === null && this.output !== null && (o.conv.has('fdatasync') || o.conv.has('fsync'))) {
      if (this.outCache !== null) yield* this.outCache.fsync(this.thread);
      else yield* this.io(this.output, new Bio('flush', 0, 0, REQ_PREFLUSH | REQ_SYNC));
    }
    // dd exits here; what is still dirty is the flusher's business, after the run.
    this.t1 = sim.now;
  }

  /** Ctrl-C: GNU dd prints its records and transfer line for what it copied, then exits 130. */
  interrupt(): void {
    if (this.t1 === 0) this.t1 = this.env.sim.now;
  }

  result(): DdResult {
    const bytes = this.bytes;
    const seconds = (this.t1 - this.t0) / 1e9;
    const o = this.options;
    // print_stats: nothing with status=none; the error line is error(), printed whatever the status.
    const lines = this.error === null ? [] : [this.error];
    if (o.status !== 'none') lines.push(`${this.recordsIn}+${this.partialIn} records in`, `${this.recordsOut}+${this.partialOut} records out`);
    if (o.status === 'default' || o.status === 'progress') lines.push(ddTransferLine(bytes, seconds));
    const text = (this.progress.length > 0 ? `${this.progress.join('\r')}\n` : '') + lines.join('\n');
    const exitStatus = this.error === null ? 0 : 1;
    return { recordsIn: this.recordsIn, recordsOut: this.recordsOut, partialIn: this.partialIn, partialOut: this.partialOut, bytes, seconds, text, exitStatus };
  }
}

/** The `dd` block of `--json` (and of a shell command's result). */
export interface DdJson {
  records_in: number;
  records_in_partial: number;
  records_out: number;
  records_out_partial: number;
  bytes: number;
  seconds: number;
  bytes_per_second: number;
  exit_status: number;
  text: string;
}

export function ddJson(res: DdResult): DdJson {
  return {
    records_in: res.recordsIn,
    records_in_partial: res.partialIn ?? 0,
    records_out: res.recordsOut,
    records_out_partial: res.partialOut ?? 0,
    bytes: res.bytes,
    seconds: res.seconds,
    bytes_per_second: res.seconds > 0 ? res.bytes / res.seconds : 0,
    exit_status: res.exitStatus ?? 0,
    text: res.text,
  };
}

/** coreutils human_readable() for a byte count: one decimal below 10, whole numbers above. */
function humanBytes(n: number, base: 1000 | 1024): string {
  const units = base === 1000 ? ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] : ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  // Round to nearest, as coreutils asks; redo the scale if rounding reaches the base.
  let text = v < 10 && i > 0 ? v.toFixed(1) : Math.round(v).toString();
  if (Number(text) >= base && i < units.length - 1) {
    i++;
    text = (Number(text) / base).toFixed(1);
  }
  return `${text} ${units[i]}`;
}

/** The rate: three significant digits ("45.4 MB/s", "305 MB/s", "1.1 GB/s"). */
function humanRate(bytesPerSecond: number): string {
  const units = ['B/s', 'kB/s', 'MB/s', 'GB/s', 'TB/s'];
  let v = bytesPerSecond;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  let text = v.toFixed(1);
  if (text.length > 4) text = Math.round(v).toString();
  if (Number(text) >= 1000 && i < units.length - 1) {
    i++;
    text = (Number(text) / 1000).toFixed(1);
  }
  return `${text} ${units[i]}`;
}

/** C's %g: six significant digits, trailing zeros dropped, exponent form for tiny values. */
export function formatG(x: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split('e');
    const mant = m.replace(/\.?0+$/, '');
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return x.toFixed(Math.max(0, 5 - exp)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/** dd's last line (coreutils print_xfer_stats). */
export function ddTransferLine(bytes: number, seconds: number): string {
  const rate = seconds > 0 ? humanRate(bytes / seconds) : 'Infinity B/s';
  const amount = bytes < 1000 ? `${bytes} byte${bytes === 1 ? '' : 's'}` : `${bytes} bytes (${humanBytes(bytes, 1000)}, ${humanBytes(bytes, 1024)})`;
  return `${amount} copied, ${formatG(seconds)} s, ${rate}`;
}
