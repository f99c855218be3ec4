// One fio job (one thread_data: each of numjobs clones is its own), with the I/O engine
// semantics of fio's do_io() loop:
// - sync/psync: one I/O at a time; the thread sleeps in the system call until it completes;
//   no submission latency is recorded (fio records slat only for queued I/O);
// - libaio/io_uring: up to iodepth in flight; when the queue is full the thread waits for at
//   least one completion (iodepth_batch_complete_min=1) and reaps every completion there is,
//   so latencies are timed at reaping, as fio does; slat is the time spent in io_submit;
// - null: completes at once without touching a device;
// - rate/rate_iops delay the next issue until the bytes/IOs done so far fit the rate;
//   thinktime drains the queue then sleeps after each I/O; fsync=N drains then flushes after
//   every N writes; end_fsync flushes at the end;
// - the job ends after `size` bytes (one pass over its region), or at `runtime` (after
//   ramp_time), or with time_based only at `runtime`, looping over the region meanwhile;
//   I/O in flight at the end is waited for and counted;
// - direct=0: reads and writes go through the device's page cache, synchronously whatever
//   the engine (buffered AIO completes inside io_submit).
// Each job runs as a thread of the CPU model when there is one: its per-I/O user-space cost
// (`cpuNsPerIo`) and the kernel's submission work are spent on a core, so jobs compete.
import { Bio, REQ_PREFLUSH, REQ_SYNC, type BioOp } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import { CONTENT_BLOCK_SECTORS, setBioPayload, ZERO_PAYLOAD, type BioPayload } from '../../block/bio-payload.js';
import { InputError } from '../../base/input-error.js';
import { type CpuSet, type Thread, smpProcessorId, taskCpu } from '../../sim/cpu.js';
import { RandomStream, type ProcessGenerator, type SimEvent, type Simulation } from '../../sim/index.js';
import { NextOffset } from './next-offset.js';
import { FileService, fileIoSizes, jobFileNames, type FioFile, type ListedFile } from './job-files.js';
import { DDIR_READ, DDIR_TRIM, DDIR_WRITE, SYNC_ENGINES, type JobOptions } from './options.js';
import { verifyChecksumNs } from './verify-cost.js';
import { VerifyThreads } from './verify-async.js';
import { JobStats } from './stats.js';
import { JobLogs } from './logs.js';

export interface JobEnvironment {
  sim: Simulation;
  /** The CPU model, or null to spend fio's CPU time as plain delays. */
  cpus: CpuSet | null;
  /** Finds the device fio's `filename` names. */
  resolveFile(name: string): BlockDevice | undefined;
  /** fio's own user-space work per I/O (ns): io_u preparation, system call entry and exit. */
  cpuNsPerIo: number;
  /** For direct=0: the page cache of a device (one per device, shared by the jobs using it), or a file's (fio on a file system). */
  pageCache?: (dev: BlockDevice) => BufferedIo | null;
  /** opendir: the regular files under a directory (recursively) with their lengths, or null when no file system holds it. */
  listDir?(dir: string): ListedFile[] | null;
  /** How long a file already is (null: a new file); without it, a device's size from the region's start. */
  fileBytes?(dev: BlockDevice): number | null;
  /** Where the job file came from, for error messages. */
  source: string;
  /** Told about approximations the run had to make (e.g. buffered I/O without a page cache). */
  warn(message: string): void;
}

const OPS: BioOp[] = ['read', 'write', 'discard'];

/**
 * What buffered I/O goes through: a block device's page cache (PageCache), or a file on a
 * mounted file system (the shell's fio adapts Ext2Mount to this).
 */
export interface BufferedIo {
  /** A buffered write of a buffer holding `payload` (null: unique data), which the pages keep for writeback. */
  write(thread: Thread | null, offsetBytes: number, bytes: number, payload?: BioPayload | null): ProcessGenerator<void>;
  read(thread: Thread | null, offsetBytes: number, bytes: number): ProcessGenerator<void>;
  fsync(thread: Thread | null): ProcessGenerator<void>;
  /** Write back and wait, without a cache flush (sync_file_range). */
  writeAndWait(thread: Thread | null): ProcessGenerator<void>;
  readonly writeback: { wakeFlusher(): void };
}

/** struct io_u: one I/O in flight. */
class IoUnit {
  // Declared and assigned in the constructor (one per I/O): plain assignments construct
  // faster than class-field definitions in V8.
  declare tStart: number;
  declare tSubmitted: number;
  declare tDone: number;
  /** A verify read (its block is checked at completion). */
  declare verify: boolean;
  /** Byte offset, kept for per-I/O logs (log_offset). */
  declare offset: number;
  declare readonly job: FioJob;
  declare readonly ddir: number;
  declare readonly bytes: number;

  constructor(job: FioJob, ddir: number, bytes: number) {
    this.tStart = 0;
    this.tSubmitted = NaN;
    this.tDone = NaN;
    this.verify = false;
    this.offset = 0;
    this.job = job;
    this.ddir = ddir;
    this.bytes = bytes;
  }
}

function ioEndIo(bio: Bio): void {
  const io = bio.private as IoUnit;
  io.job._completed(io, bio);
}

export class FioJob {
  readonly stats = new JobStats();
  readonly thread: Thread | null;
  /** The device (or file) of the current file, and its page cache for direct=0 (buffered I/O: synchronous, whatever the engine). */
  dev: BlockDevice;
  cache: BufferedIo | null = null;
  /** Region of the current file the job works on, bytes. */
  regionStart: number;
  regionBytes: number;
  /** The job's files (job-files.ts) and the one the next I/O goes to. */
  readonly files: FioFile<BufferedIo>[];
  private file: FioFile<BufferedIo>;
  /** Picks the next file (file_service_type); null for a job of one file. */
  private readonly service: FileService<FioFile<BufferedIo>> | null;
  /** verify with several files: the file of each entry of `written`. */
  private readonly writtenFiles: FioFile<BufferedIo>[] = [];
  /** Bytes issued so far (all directions) and per direction for rate limiting. */
  private issuedBytes = 0;
  private readonly rateBytes = [0, 0, 0];
  private readonly rateIos = [0, 0, 0];
  private rateStart = 0;
  private writesSinceFsync = 0;
  private writesSinceFdatasync = 0;
  private writesSinceSyncRange = 0;
  private issuedIos = 0;
  /** Bytes the job does before it ends (loops x io_size, or the region). */
  private readonly ioLimit: number;
  /** verify: the writes to read back (offset, bytes), in write order, and how many are done. */
  private readonly written: number[] = [];
  private verified = 0;
  /** rate_min / rate_iops_min: whether to check, and check_min_rate's last window start per direction. */
  private readonly minRate: boolean;
  private readonly rateCheck = { bytes: [0, 0, 0], ios: [0, 0, 0], at: [0, 0, 0] };
  /** verify_async: the threads that check blocks read back, or null. */
  private verifier: VerifyThreads | null = null;
  /** rate_process=poisson: when each direction's next I/O may go. */
  private readonly nextIssue = [0, 0, 0];
  private readonly rateRng: RandomStream | null;
  private iosSinceThink = 0;
  /** iodepth_batch_submit: bios prepared and not yet submitted. */
  private readonly pending: Bio[] = [];
  private inFlight = 0;
  /**
   * Completions waiting to be reaped: reaped[0, nReaped). A count rather than the array's
   * length, which, set to 0 after each reap, would drop the array's storage and make the
   * next completion allocate it again.
   */
  private readonly reaped: (IoUnit | undefined)[] = [];
  private nReaped = 0;
  private waiter: SimEvent<unknown> | null = null;
  private offsets: (NextOffset | null)[];
  private readonly mixRng: RandomStream;
  private readonly dataRng: RandomStream;
  /** 4 KiB blocks of unique content written so far (fingerprints base+0 .. base+uniqueBlocks-1). */
  private uniqueBlocks = 0;
  /** The io_u buffer slot the next write uses (buffers reused without refill or scramble). */
  private nextSlot = 0;
  private readonly async: boolean;
  /** Whether afterWrite has anything to do after a write (else its generator is not made). */
  private readonly writeFollowUps: boolean;
  private rampEnd = 0;
  private measuring = false;
  private cpuAtMeasure = 0;
  private ctxAtMeasure = 0;
  private usrNs = 0;
  startedAt = NaN;
  endedAt = NaN;
  /** write_*_log: the job's interval logs (created when it starts), or null. */
  logs: JobLogs | null = null;
  /** fio's td->thread_number: N in the log files' names NAME_bw.N.log. */
  readonly threadNumber: number;

  constructor(
    private readonly env: JobEnvironment,
    readonly options: JobOptions,
    /** Index among the job's numjobs clones. */
    readonly clone: number,
    /** Position of the job in the file, for distinct data fingerprints. */
    readonly jobNumber: number,
    /** fio's td->thread_number - 1: the thread's index over every job and clone of the file. */
    threadIndex = clone,
  ) {
    const o = options;
    this.threadNumber = threadIndex + 1;
    const at = (option: string) => ({ file: env.source, line: o.lines[option] ?? o.line, field: option });
    // The job's files (job-files.ts): one for most jobs, the device or file filename names.
    const names = jobFileNames(o, clone, env.source, env.listDir);
    const devs = names.map(({ name }) => {
      const dev = env.resolveFile(name);
      if (dev === undefined) {
        throw new InputError(
          o.filename === null && o.opendir === null ? `job '${o.name}' has no filename= and no device is called '${o.name}'` : `no device, volume or target called '${name}'`,
          at(o.opendir !== null ? 'opendir' : 'filename'),
        );
      }
      return dev;
    });
    const twice = devs.findIndex((d, i) => devs.indexOf(d) !== i);
    if (twice >= 0) {
      throw new InputError(
        `the job's files ${names[devs.indexOf(devs[twice])].name} and ${names[twice].name} are both ${devs[twice].name}: several files per job need files of a mounted file system (fio in a shell workload) or distinct devices`,
        at(o.filename !== null ? 'filename' : o.lines.nrfiles !== undefined ? 'nrfiles' : 'directory'),
      );
    }
    if (o.openFiles > 0 && o.openFiles < devs.length) {
      // fio would keep only openfiles of them open, closing one to open the next: not modelled.
      throw new InputError(`openfiles=${o.openFiles} is below the job's ${devs.length} files: keeping some of them closed is not modelled`, at('openfiles'));
    }
    const minBs = Math.min(...o.bs);
    const regionStart = (dev: BlockDevice) => {
      const devBytes = dev.sizeSectors * 512;
      let start = o.offsetPercent !== null ? Math.floor((devBytes * o.offsetPercent) / 100) : o.offset;
      if (o.offsetPercent !== null) {
        // fio aligns an offset given as a percentage to offset_align, by default the block size.
        const align = o.offsetAlign > 0 ? o.offsetAlign : minBs;
        start -= start % align;
      }
      return start + clone * o.offsetIncrement;
    };
    const starts = devs.map(regionStart);
    let regions: number[];
    let perLoop: number;
    if (devs.length === 1) {
      // filesize: the (one) file's size is the region; a range draws one per job, as fio does per file.
      const devBytes = devs[0].sizeSectors * 512;
      const fileBytes = o.fileSize === null ? null : o.fileSize[0] === o.fileSize[1] ? o.fileSize[0] : this.drawFileSize(o.fileSize, this.fileSizeRng(clone));
      regions = [o.sizePercent !== null ? Math.floor((devBytes * o.sizePercent) / 100) : (fileBytes ?? o.size ?? devBytes - starts[0])];
      // io_size (default: size) per loop; with filesize and a size, size is the I/O over the file.
      perLoop = o.ioSize ?? (fileBytes !== null && o.size !== null ? o.size : Math.min(regions[0], devBytes - starts[0]));
    } else {
      const rng = this.fileSizeRng(clone);
      const existing = devs.map((dev, i) => names[i].bytes ?? (env.fileBytes !== undefined ? env.fileBytes(dev) : dev.sizeSectors * 512 - starts[i]));
      regions = fileIoSizes(o, existing, () => this.drawFileSize(o.fileSize!, rng), at);
      if (o.sizePercent !== null) regions = devs.map((dev) => Math.floor((dev.sizeSectors * 512 * o.sizePercent!) / 100));
      regions = regions.map((r, i) => Math.min(r, devs[i].sizeSectors * 512 - starts[i]));
      const total = regions.reduce((a, b) => a + b, 0);
      // setup_files: the job's size is at most what its files hold.
      perLoop = o.ioSize ?? (o.fileSize !== null && o.size !== null ? o.size : total);
    }
    devs.forEach((dev, i) => {
      regions[i] = Math.min(regions[i], dev.sizeSectors * 512 - starts[i]);
      if (!(regions[i] >= minBs)) {
        throw new InputError(
          `job ${o.name}${o.numjobs > 1 ? ` (clone ${clone})` : ''}: region starting at byte ${starts[i]} leaves no room for one block on ${dev.name} (${dev.sizeSectors * 512} bytes)`,
          at(o.offsetIncrement > 0 && clone > 0 ? 'offset_increment' : o.size !== null ? 'size' : 'offset'),
        );
      }
    });
    this.ioLimit = o.loops * perLoop;
    const dev = devs[0];
    const caches = devs.map((d) => {
      if (o.direct) return null;
      const c = env.pageCache?.(d) ?? null;
      if (c === null) env.warn(`job ${o.name}: direct=0 but there is no page cache for ${d.name}; I/O is issued as direct=1`);
      return c;
    });
    this.dev = dev;
    this.cache = caches[0];
    this.regionStart = starts[0];
    this.regionBytes = regions[0];
    if (o.ioengine === 'io_uring_cmd' && !/^(nvme|ng)\d/.test(dev.name)) {
      throw new InputError(`ioengine=io_uring_cmd sends NVMe passthrough commands: ${dev.name} is not an NVMe namespace`, at('ioengine'));
    }
    if (o.ioengine === 'null' && !(env.cpuNsPerIo > 0) && (o.timeBased || o.runtime > 0)) {
      throw new InputError('the null engine takes no time: with fio.cpu_ns_per_io = 0 a runtime is never reached', at('ioengine'));
    }
    // Buffered I/O through libaio or io_uring completes inside io_submit: it is synchronous.
    this.async = !SYNC_ENGINES.includes(o.ioengine) && o.ioengine !== 'null' && this.cache === null;
    this.thread = env.cpus !== null ? env.cpus.thread(`fio/${o.name}.${clone}`, { pin: pinnedCpu(o, threadIndex, env.cpus.cores.length, at) }) : null;
    if (env.cpus === null && o.cpusAllowed !== null) env.warn(`fio job ${o.name}: cpus_allowed ignored (no CPU model in this run)`);
    // randrepeat=1: like fio, the job's random sequence depends only on randseed (and which
    // job it is), so it is the same on every run; randrepeat=0 draws it from the run's seed.
    const stream = (purpose: string) =>
      o.randrepeat ? new RandomStream(`fio-randseed:${o.randseed}`, `${o.name}.${clone}/${purpose}`) : env.sim.rng(`fio/${o.name}.${clone}/${purpose}`);
    // One offset stream per direction for all the files (fio's td->random_state), a random map per file.
    const offsetRngs = [0, 1, 2].map((d) => stream(`offsets/${OPS[d]}`));
    this.files = devs.map((d, i) => ({
      name: names[i].name,
      dev: d,
      cache: caches[i],
      regionStart: starts[i],
      regionBytes: regions[i],
      offsets: [0, 1, 2].map((dd) => {
        const active = dd === DDIR_READ ? o.ddirs.read : dd === DDIR_WRITE ? o.ddirs.write : o.ddirs.trim;
        if (!active) return null;
        // A sequential job's area is whole blocks of its size, as before (fixed bs).
        const fixedRegion = o.bsSplit[dd] === null && o.bsRange[dd] === null && !o.random ? Math.floor(regions[i] / o.bs[dd]) * o.bs[dd] : regions[i];
        return new NextOffset(o, dd, fixedRegion, offsetRngs[dd], env.warn);
      }),
      issued: 0,
      done: false,
    }));
    this.file = this.files[0];
    this.offsets = this.file.offsets;
    this.service = this.files.length > 1 ? new FileService(this.files, o, stream('next_file')) : null;
    this.mixRng = stream('rwmix');
    this.dataRng = stream('buffers');
    this.rateRng = o.ratePoisson ? stream('rate') : null;
    this.minRate = o.rateMin.some((r) => r > 0) || o.rateIopsMin.some((r) => r > 0);
    this.writeFollowUps = o.fsync > 0 || o.fdatasync > 0 || o.syncWrites || o.syncFileRange > 0 || (o.verify !== 'none' && o.doVerify && o.verifyBacklog > 0);
  }

  /** fio's file_size_state: the stream file sizes in a filesize range are drawn from. */
  private fileSizeRng(clone: number): RandomStream {
    return new RandomStream(`fio-randseed:${this.options.randseed}`, `${this.options.name}.${clone}/filesize`);
  }

  /** A file size drawn in [lo, hi], a multiple of the block size (fio's get_rand_file_size). */
  private drawFileSize([lo, hi]: [number, number], rng: RandomStream): number {
    const bs = Math.min(...this.options.bs);
    const n = lo + Math.floor(rng.random() * (hi - lo + 1));
    return Math.max(bs, n - (n % bs));
  }

  /** The next I/O goes to file f. */
  private useFile(f: FioFile<BufferedIo>): void {
    this.file = f;
    this.dev = f.dev;
    this.cache = f.cache;
    this.regionStart = f.regionStart;
    this.regionBytes = f.regionBytes;
    this.offsets = f.offsets;
  }

  /** Starts the job's process (as its thread when there is a CPU model). */
  start(): SimEvent<unknown> {
    const self = this;
    const body = function* () {
      yield* self.run();
    };
    return this.thread !== null ? this.thread.spawn(body) : this.env.sim.process(body, `fio/${this.options.name}.${this.clone}`);
  }

  private *run(): ProcessGenerator<void> {
    const sim = this.env.sim;
    const o = this.options;
    if (o.startDelay > 0) yield sim.timeout(o.startDelay);
    this.startedAt = sim.now;
    this.rampEnd = sim.now + o.rampTime;
    if (o.writeBwLog !== null || o.writeIopsLog !== null || o.writeLatLog !== null) {
      // fio resets the job's epoch when ramp_time ends (reset_all_stats): the logs count from there.
      this.logs = new JobLogs(o, this.rampEnd, [o.ddirs.read, o.ddirs.write, o.ddirs.trim]);
    }
    this.rateStart = sim.now;
    if (o.verifyAsync > 0 && o.verify !== 'none' && o.doVerify) this.verifier = new VerifyThreads(sim, this.env.cpus, `fio/${o.name}.${this.clone}`, o.verifyAsync);
    if (o.rampTime === 0) this.beginMeasuring();
    const end = o.runtime > 0 ? this.rampEnd + o.runtime : Infinity;
    const timeBased = o.timeBased && o.runtime > 0;
    for (;;) {
      if (sim.now >= end || this.stopped) break;
      if (!timeBased && this.issuedBytes >= this.ioLimit) break;
      if (o.numberIos > 0 && this.issuedIos >= o.numberIos) break;
      const d = this.pickDdir();
      const bs = this.offsets[d]!.buflen();
      if (this.rateDelay(d) > 0) {
        // fio's rate_ddir(): reap everything in flight, then sleep until the rate allows.
        yield* this.quiesce();
        const wait = this.rateDelay(d);
        if (wait > 0) yield sim.timeout(Math.min(wait, Math.max(0, end - sim.now)));
        continue;
      }
      if (this.service !== null) {
        // get_next_file; with every file done, the next loop (loops, time_based) opens them again.
        let f = this.service.next();
        if (f === null) {
          this.service.reset();
          f = this.service.next()!;
        }
        this.useFile(f);
      }
      yield* this.issue(d, bs);
      if (this.service !== null) this.service.issued(this.file, bs);
      if (o.thinktime > 0 && ++this.iosSinceThink >= o.thinktimeBlocks) {
        this.iosSinceThink = 0;
        yield* this.quiesce();
        yield sim.timeout(o.thinktime);
      }
      if (d === DDIR_WRITE && this.writeFollowUps) yield* this.afterWrite();
      if (this.minRate && this.measuring && this.belowMinRate()) break;
    }
    yield* this.quiesce();
    if (o.verify !== 'none' && o.doVerify) yield* this.verifyWritten(this.written.length / 2);
    if (o.endFsync) {
      // fsync_on_close / end_fsync: every file of the job.
      for (const f of this.files) {
        this.useFile(f);
        yield* this.fsync(false);
      }
    }
    this.endedAt = sim.now;
    if (!this.measuring) this.beginMeasuring(); // the job ended inside ramp_time
    this.finishStats();
  }

  /**
   * Ctrl-C: fio stops its jobs and still prints their report, covering what they did. A job
   * that had started ends its accounting now; one that had not stays empty.
   */
  interrupt(): void {
    if (Number.isNaN(this.startedAt) || !Number.isNaN(this.endedAt)) return;
    this.endedAt = this.env.sim.now;
    if (!this.measuring) this.beginMeasuring();
    this.finishStats();
  }

  /**
   * backend.c check_min_rate: after a 2 s settle from the job's start, each direction's bytes
   * (rate_min) or I/Os (rate_iops_min) over windows of at least rate_cycle ms must keep to the
   * minimum; below it fio prints why and ends the job with EIO.
   */
  private belowMinRate(): boolean {
    const o = this.options;
    const now = this.env.sim.now;
    if (now - this.startedAt < 2e9) return false;
    for (let d = 0; d < 3; d++) {
      const s = this.stats.dir[d];
      if (s.ioBytes === 0 || (o.rateMin[d] === 0 && o.rateIopsMin[d] === 0)) continue;
      const r = this.rateCheck;
      if (r.bytes[d] > 0 || r.ios[d] > 0) {
        const spent = Math.floor((now - r.at[d]) / 1e6);
        if (spent < o.rateCycleMs || spent === 0) continue;
        const why =
          o.rateMin[d] > 0
            ? ((s.ioBytes - r.bytes[d]) * 1000) / spent < o.rateMin[d] && `rate_min=${o.rateMin[d]}B/s not met, got ${Math.floor(((s.ioBytes - r.bytes[d]) * 1000) / spent)}B/s`
            : ((s.totalIos - r.ios[d]) * 1000) / spent < o.rateIopsMin[d] && `rate_iops_min=${o.rateIopsMin[d]} not met, got ${Math.floor(((s.totalIos - r.ios[d]) * 1000) / spent)} IOPS`;
        if (why) {
          this.env.warn(`${o.name}: ${why}`);
          this.stats.error = 5; // EIO, td_verror(td, EIO, "check_min_rate")
          return true;
        }
      }
      r.bytes[d] = s.ioBytes;
      r.ios[d] = s.totalIos;
      r.at[d] = now;
    }
    return false;
  }

  /** Set by exitall: the job leaves its loop at the next I/O. */
  stopped = false;

  /** fsync / fdatasync / sync_file_range / verify_backlog every N writes, sync=1 after each. */
  private *afterWrite(): ProcessGenerator<void> {
    const o = this.options;
    if (o.fsync > 0 && ++this.writesSinceFsync >= o.fsync) {
      this.writesSinceFsync = 0;
      yield* this.fsync(true);
    }
    if (o.fdatasync > 0 && ++this.writesSinceFdatasync >= o.fdatasync) {
      this.writesSinceFdatasync = 0;
      yield* this.fsync(true);
    }
    if (o.syncWrites) {
      // O_SYNC: the write returns once it is stable, a cache flush after it (REQ_FUA's fallback).
      yield* this.quiesce();
      if (this.cache !== null) yield* this.cache.fsync(this.thread);
      else yield* this.flushDevice();
    }
    if (o.syncFileRange > 0 && ++this.writesSinceSyncRange >= o.syncFileRange) {
      this.writesSinceSyncRange = 0;
      yield* this.quiesce();
      yield* this.spend(this.env.cpuNsPerIo);
      // Direct I/O leaves nothing dirty: the call returns at once.
      if (this.cache !== null && o.syncFileRangeWait) yield* this.cache.writeAndWait(this.thread);
      else if (this.cache !== null) this.cache.writeback.wakeFlusher();
    }
    if (o.verify !== 'none' && o.doVerify && o.verifyBacklog > 0 && this.written.length / 2 - this.verified >= o.verifyBacklog) {
      yield* this.quiesce();
      yield* this.verifyWritten(this.written.length / 2);
    }
  }

  /**
   * verify: read back the writes not verified yet, in the order they were written (fio's
   * io_piece list), at the job's depth; the reads count as the job's reads, as in fio. Each
   * block read back is checksummed on the job's thread (verifyChecksumNs): after its read for
   * a sync engine; for an async one when the next is issued, which keeps the CPU per block.
   */
  private *verifyWritten(upTo: number): ProcessGenerator<void> {
    while (this.verified < upTo && !this.stopped) {
      const i = this.verified++;
      const bs = this.written[2 * i + 1];
      if (this.service !== null) this.useFile(this.writtenFiles[i]);
      const v = this.verifier;
      if (v !== null) yield* v.waitFree(() => this.inFlight + v.held, this.options.iodepth);
      yield* this.issue(DDIR_READ, bs, this.written[2 * i]);
      if (v === null) yield* this.spend(verifyChecksumNs(this.options.verify, bs));
    }
    yield* this.quiesce();
    if (this.verifier !== null) yield* this.verifier.drain();
  }

  /** Which direction the next I/O goes: rwmixread percent of reads in a mixed job. */
  private pickDdir(): number {
    const dd = this.options.ddirs;
    if (dd.read && dd.write) return this.mixRng.integer(1, 100) <= this.options.rwmixread ? DDIR_READ : DDIR_WRITE;
    return dd.read ? DDIR_READ : dd.write ? DDIR_WRITE : DDIR_TRIM;
  }

  /** ns until the next I/O may be issued under rate / rate_iops (fio's usec_for_io). */
  private rateDelay(d: number): number {
    const o = this.options;
    const now = this.env.sim.now;
    let at = now;
    if (this.rateRng !== null) return Math.max(0, this.nextIssue[d] - now);
    if (o.rate[d] > 0) at = Math.max(at, this.rateStart + (this.rateBytes[d] * 1e9) / o.rate[d]);
    if (o.rateIops[d] > 0) at = Math.max(at, this.rateStart + (this.rateIos[d] * 1e9) / o.rateIops[d]);
    return at - now;
  }

  private *spend(ns: number): ProcessGenerator<void> {
    if (this.thread !== null) {
      this.usrNs += ns;
      yield this.thread.exec(ns);
    } else if (ns > 0) yield this.env.sim.timeout(ns);
  }

  /** The mean gap between I/Os of direction d under rate / rate_iops (ns), for rate_process=poisson. */
  private meanGap(d: number, bs: number): number {
    const o = this.options;
    return Math.max(o.rate[d] > 0 ? (bs * 1e9) / o.rate[d] : 0, o.rateIops[d] > 0 ? 1e9 / o.rateIops[d] : 0);
  }

  private *issue(d: number, bs: number, at?: number): ProcessGenerator<void> {
    const sim = this.env.sim;
    const o = this.options;
    const verifying = at !== undefined;
    const offset = verifying ? at : this.regionStart + this.offsets[d]!.next(bs);
    if (!verifying) {
      this.issuedBytes += bs;
      this.issuedIos++;
      this.rateBytes[d] += bs;
      this.rateIos[d]++;
      // fio's poisson process: exponential gaps with the rate's mean (rate_process=poisson).
      if (this.rateRng !== null) this.nextIssue[d] = Math.max(this.nextIssue[d], sim.now) - Math.log(1 - this.rateRng.random()) * this.meanGap(d, bs);
      if (d === DDIR_WRITE && o.verify !== 'none' && o.doVerify) {
        this.written.push(offset, bs);
        if (this.service !== null) this.writtenFiles.push(this.file);
      }
      // verify_only: the write phase issues nothing; the verify reads follow.
      if (d === DDIR_WRITE && o.verifyOnly) return;
    }
    // populate_verify_io_u: every write of a job with verify= carries its block's checksum.
    const checksumNs = !verifying && d === DDIR_WRITE && o.verify !== 'none' ? verifyChecksumNs(o.verify, bs) : 0;
    // spend(), inlined: this runs once per I/O, and each `yield*` makes a generator.
    const ns = this.env.cpuNsPerIo + checksumNs;
    if (this.thread !== null) {
      this.usrNs += ns;
      yield this.thread.exec(ns);
    } else if (ns > 0) yield sim.timeout(ns);
    const io = new IoUnit(this, d, bs);
    io.tStart = sim.now;
    if (verifying) io.verify = true;
    if (this.logs !== null) io.offset = offset;
    this.stats.markDepth(this.inFlight + 1);
    this.inFlight++;
    if (o.ioengine === 'null') {
      io.tSubmitted = io.tDone = sim.now;
      this.inFlight--;
      this.account(io);
      return;
    }
    if (this.cache !== null && d !== DDIR_TRIM) {
      // Buffered: the system call copies into or out of the page cache (reading the device
      // on a miss, or being throttled by balance_dirty_pages) and returns.
      // The page keeps what the buffer held, and writeback sends it on (dedup/VDO below see it).
      if (d === DDIR_WRITE) yield* this.cache.write(this.thread, offset, bs, this.describesData ? this.describeData(bs / 512) : null);
      else yield* this.cache.read(this.thread, offset, bs);
      io.tSubmitted = io.tDone = sim.now;
      this.inFlight--;
      this.account(io);
      return;
    }
    const bio = new Bio(OPS[d], offset / 512, bs / 512, d === DDIR_WRITE && o.direct ? REQ_SYNC : 0);
    bio.thread = this.thread;
    bio.cpu = taskCpu(this.thread);
    bio.private = io;
    bio.endIo = ioEndIo;
    if (d === DDIR_WRITE && this.describesData) setBioPayload(bio, this.describeData(bio.sectors));
    if (this.async && o.iodepthBatchSubmit > 1) {
      // iodepth_batch_submit: io_us are queued and submitted together (one io_submit for the batch).
      this.pending.push(bio);
      if (this.pending.length < o.iodepthBatchSubmit && this.inFlight < o.iodepth) return;
      yield* this.submitPending();
    } else {
      yield* this.dev.submit(bio);
      if (io.tSubmitted !== io.tSubmitted) io.tSubmitted = sim.now;
    }
    if (!this.async) {
      // reap(1), inlined (a sync engine has no batch pending): this runs once per I/O, and a
      // generator per call is an allocation.
      let slept = false;
      const min = Math.min(1, this.inFlight);
      while (this.nReaped < min) {
        this.waiter = sim.event();
        yield this.waiter;
        slept = true;
      }
      if (slept && this.thread !== null) yield this.thread.exec(0);
      this.takeReaped(0);
    } else if (this.inFlight >= o.iodepth) {
      // Queue full: wait for iodepth_batch_complete_min completions (at least one), reaping up
      // to iodepth_batch_complete_max; with iodepth_low, drain to it before submitting again.
      yield* this.reap(Math.max(1, o.iodepthBatchCompleteMin), o.iodepthBatchCompleteMax);
      while (this.inFlight > o.iodepthLow) yield* this.reap(1);
    }
  }

  /** Whether writes carry a described content; without, each write is unique random data (fio's default). */
  private get describesData(): boolean {
    const o = this.options;
    return o.dedupePercentage > 0 || o.bufferCompressPercentage > 0 || o.bufferPattern !== null || o.zeroBuffers || (!o.scrambleBuffers && !o.refillBuffers);
  }

  /**
   * What the write's buffer holds, as fio's fill_io_buffer makes it: zeros (zero_buffers), a
   * repeated pattern (buffer_pattern), the same io_u buffer again (scramble_buffers=0 without
   * refill_buffers: fio fills each of its iodepth buffers once), or random data of which
   * dedupe_percentage repeats earlier writes (here: blocks earlier writes of the job carried)
   * and buffer_compress_percentage compresses away. Fingerprints of a job's unique blocks are
   * consecutive from a base per job, so they never collide with another job's.
   */
  private describeData(sectors: number): BioPayload {
    const o = this.options;
    if (o.zeroBuffers) return ZERO_PAYLOAD;
    if (o.bufferPattern !== null) return patternPayload(o.bufferPattern, o.bufferCompressPercentage);
    const base = (this.jobNumber * 4096 + this.clone + 1) * 2 ** 32;
    const blocks = Math.max(1, Math.ceil(sectors / CONTENT_BLOCK_SECTORS));
    let first: number;
    if (!o.scrambleBuffers && !o.refillBuffers) {
      // The io_u buffers were filled at start-up and are reused as they are.
      const maxBlocks = Math.ceil(this.maxBs / (CONTENT_BLOCK_SECTORS * 512));
      first = (this.nextSlot++ % o.iodepth) * maxBlocks;
    } else if (this.uniqueBlocks >= blocks && this.dataRng.integer(1, 100) <= o.dedupePercentage) {
      first = this.dataRng.integer(0, this.uniqueBlocks - blocks);
    } else {
      first = this.uniqueBlocks;
      this.uniqueBlocks += blocks;
    }
    return { fingerprint: base + first, blocks: 'distinct', compressPercentage: o.bufferCompressPercentage };
  }

  /** The largest block size the job issues (its io_u buffers are this big). */
  private get maxBs(): number {
    const bs = this.options.bs;
    return Math.max(bs[0], bs[1], bs[2], ...this.offsets.map((n) => n?.maxBs ?? 0));
  }

  /** Submits the queued batch (iodepth_batch_submit). */
  private *submitPending(): ProcessGenerator<void> {
    const batch = this.pending.splice(0, this.pending.length);
    for (const bio of batch) yield* this.dev.submit(bio);
    const now = this.env.sim.now;
    for (const bio of batch) {
      const io = bio.private as IoUnit;
      if (io.tSubmitted !== io.tSubmitted) io.tSubmitted = now;
    }
  }

  /** @internal bi_end_io of the job's bios: the I/O waits to be reaped. */
  _completed(io: IoUnit, bio: Bio): void {
    const now = this.env.sim.now;
    if (io.tSubmitted !== io.tSubmitted) io.tSubmitted = now; // completed during submission
    io.tDone = now;
    if (bio.status !== null) this.env.warn(`job ${this.options.name}: I/O error ${bio.status} at sector ${bio.sector}`);
    this.reaped[this.nReaped++] = io;
    const w = this.waiter;
    if (w !== null) {
      this.waiter = null;
      w.succeed();
    }
  }

  /** io_getevents(min, max): waits for at least `min` completions, then reaps all there are (up to max; 0: all). */
  private *reap(min: number, max = 0): ProcessGenerator<void> {
    const sim = this.env.sim;
    let slept = false;
    if (this.pending.length > 0) yield* this.submitPending();
    min = Math.min(min, this.inFlight);
    while (this.nReaped < min) {
      this.waiter = sim.event();
      yield this.waiter;
      slept = true;
    }
    // Back from sleep: the thread pays its wakeup and context switch before it sees them.
    if (slept && this.thread !== null) yield this.thread.exec(0);
    this.takeReaped(max);
  }

  /** Accounts the first `max` reaped I/Os (0: all), in completion order, and drops them. */
  private takeReaped(max: number): void {
    const reaped = this.reaped;
    const total = this.nReaped;
    const n = max > 0 ? Math.min(max, total) : total;
    for (let i = 0; i < n; i++) {
      this.inFlight--;
      this.account(reaped[i] as IoUnit);
    }
    // Move the rest to the front, and forget the slots left behind.
    for (let i = n; i < total; i++) reaped[i - n] = reaped[i];
    for (let i = total - n; i < total; i++) reaped[i] = undefined;
    this.nReaped = total - n;
  }

  /** Waits until nothing is in flight. */
  private *quiesce(): ProcessGenerator<void> {
    while (this.inFlight > 0) yield* this.reap(1);
  }

  private account(io: IoUnit): void {
    const now = this.env.sim.now;
    if (!this.measuring) {
      if (now < this.rampEnd) return;
      this.beginMeasuring();
    }
    const lat = now - io.tStart;
    if (this.async) this.stats.complete(now, io.ddir, io.bytes, io.tSubmitted - io.tStart, now - io.tSubmitted, lat, true);
    else this.stats.complete(now, io.ddir, io.bytes, 0, lat, lat, false);
    // verify_async: the block read back goes to the verify threads' list (its io_u held until checked).
    if (io.verify && this.verifier !== null) this.verifier.add(verifyChecksumNs(this.options.verify, io.bytes));
    // No slat for sync engines (-1), as fio records none.
    this.logs?.complete(now, io.ddir, io.bytes, this.async ? io.tSubmitted - io.tStart : -1, this.async ? now - io.tSubmitted : lat, lat, io.offset);
  }

  private beginMeasuring(): void {
    this.measuring = true;
    this.stats.startSampling(this.rampEnd);
    this.logs?.begin(this.rampEnd);
    this.cpuAtMeasure = this.thread?.cpuNs ?? 0;
    this.ctxAtMeasure = this.thread?.contextSwitches ?? 0;
    this.usrNs = 0;
  }

  /**
   * fsync on a block device: with a page cache, write back and wait (PageCache.fsync); for
   * direct I/O, blkdev_issue_flush(): a flush bio with REQ_PREFLUSH.
   */
  private *fsync(record: boolean): ProcessGenerator<void> {
    const sim = this.env.sim;
    yield* this.quiesce();
    yield* this.spend(this.env.cpuNsPerIo);
    const t0 = sim.now;
    if (this.cache !== null) yield* this.cache.fsync(this.thread);
    else yield* this.flushDevice();
    if (record && this.measuring) {
      this.stats.sync.record(sim.now - t0);
      this.stats.syncIos++;
    }
  }

  private *flushDevice(): ProcessGenerator<void> {
    const sim = this.env.sim;
    const bio = new Bio('flush', 0, 0, REQ_PREFLUSH | REQ_SYNC);
    bio.thread = this.thread;
    bio.cpu = smpProcessorId(this.thread);
    yield* this.dev.submit(bio);
    yield bio.wait(sim);
    if (this.thread !== null) yield this.thread.exec(0);
  }

  private finishStats(): void {
    const s = this.stats;
    s.runtimeNs = s.totalRunNs = this.endedAt - this.rampEnd;
    s.flushSamples(this.endedAt);
    this.logs?.close(this.endedAt);
    if (this.thread !== null) {
      const cpu = this.thread.cpuNs - this.cpuAtMeasure;
      s.usrNs = Math.min(this.usrNs, cpu);
      s.sysNs = cpu - s.usrNs;
      s.ctx = this.thread.contextSwitches - this.ctxAtMeasure;
    }
  }
}

/**
 * The CPU a job thread is pinned to under cpus_allowed, or undefined to float over every
 * core. `split` gives thread i the (i mod n)-th CPU of the set (fio_cpus_split); `shared`
 * lets each thread use the whole set, which the model can do for one CPU or all of them.
 */
function pinnedCpu(o: JobOptions, threadIndex: number, cores: number, at: (option: string) => { file?: string; line?: number; field?: string }): number | undefined {
  const set = o.cpusAllowed;
  if (set === null) return undefined;
  const missing = set.find((c) => c >= cores);
  if (missing !== undefined) throw new InputError(`CPU ${missing} is not on this machine (cpu.cores = ${cores}: CPUs 0-${cores - 1})`, at('cpus_allowed'));
  if (o.cpusAllowedPolicy === 'split') return set[threadIndex % set.length];
  if (set.length === 1) return set[0];
  if (set.length === cores) return undefined;
  throw new InputError(
    `a set of ${set.length} of the ${cores} CPUs shared by each thread is not modelled (a simulated thread runs on one CPU or floats over all): use cpus_allowed_policy=split, one CPU, or all of them`,
    at('cpus_allowed'),
  );
}

/**
 * buffer_pattern's content: every block the pattern repeated, so every block of every write
 * is the same; a fingerprint from the pattern text (FNV-1a), above the jobs' fingerprint
 * range. A short repeated pattern compresses almost entirely unless told otherwise.
 */
function patternPayload(pattern: string, compressPercentage: number): BioPayload {
  let h = 0x811c9dc5;
  for (let i = 0; i < pattern.length; i++) h = Math.imul(h ^ pattern.charCodeAt(i), 0x01000193) >>> 0;
  return { fingerprint: 2 ** 52 + h, blocks: 'same', compressPercentage: compressPercentage > 0 ? compressPercentage : 100 };
}
