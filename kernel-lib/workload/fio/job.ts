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
import type { PageCache } from '../../block/page-cache.js';
import { CONTENT_BLOCK_SECTORS, setBioPayload, ZERO_PAYLOAD, type BioPayload } from '../../block/bio-payload.js';
import { InputError } from '../../base/input-error.js';
import { type CpuSet, type Thread, smpProcessorId, taskCpu } from '../../sim/cpu.js';
import { RandomStream, type ProcessGenerator, type SimEvent, type Simulation } from '../../sim/index.js';
import { MAX_RANDOM_MAP_BLOCKS, RandomMapOffsets, SequentialOffsets, SkewedOffsets, UnmappedRandomOffsets, type OffsetGenerator } from './offsets.js';
import { DDIR_READ, DDIR_TRIM, DDIR_WRITE, type JobOptions } from './options.js';
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
  /** For direct=0: the page cache of a device (one per device, shared by the jobs using it). */
  pageCache?: (dev: BlockDevice) => PageCache | null;
  /** Where the job file came from, for error messages. */
  source: string;
  /** Told about approximations the run had to make (e.g. buffered I/O without a page cache). */
  warn(message: string): void;
}

const OPS: BioOp[] = ['read', 'write', 'discard'];

/** struct io_u: one I/O in flight. */
class IoUnit {
  tStart = 0;
  tSubmitted = NaN;
  tDone = NaN;
  constructor(
    readonly job: FioJob,
    readonly ddir: number,
    readonly bytes: number,
  ) {}
}

function ioEndIo(bio: Bio): void {
  const io = bio.private as IoUnit;
  io.job._completed(io, bio);
}

export class FioJob {
  readonly stats = new JobStats();
  readonly thread: Thread | null;
  readonly dev: BlockDevice;
  /** direct=0: reads and writes go through this page cache (synchronously, whatever the engine). */
  readonly cache: PageCache | null = null;
  /** Region of the device the job works on, bytes. */
  readonly regionStart: number;
  readonly regionBytes: number;
  /** Bytes issued so far (all directions) and per direction for rate limiting. */
  private issuedBytes = 0;
  private readonly rateBytes = [0, 0, 0];
  private readonly rateIos = [0, 0, 0];
  private rateStart = 0;
  private writesSinceFsync = 0;
  private inFlight = 0;
  private readonly reaped: IoUnit[] = [];
  private waiter: SimEvent<unknown> | null = null;
  private readonly offsets: (OffsetGenerator | null)[];
  private readonly mixRng: RandomStream;
  private readonly dataRng: RandomStream;
  /** 4 KiB blocks of unique content written so far (fingerprints base+0 .. base+uniqueBlocks-1). */
  private uniqueBlocks = 0;
  /** The io_u buffer slot the next write uses (buffers reused without refill or scramble). */
  private nextSlot = 0;
  private readonly async: boolean;
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
    const fileName = o.filename ?? o.name;
    const dev = env.resolveFile(fileName);
    if (dev === undefined) {
      throw new InputError(
        o.filename === null
          ? `job '${o.name}' has no filename= and no device is called '${o.name}'`
          : `no device, volume or target called '${fileName}'`,
        at('filename'),
      );
    }
    this.dev = dev;
    if (!o.direct) {
      this.cache = env.pageCache?.(dev) ?? null;
      if (this.cache === null) env.warn(`job ${o.name}: direct=0 but there is no page cache for ${dev.name}; I/O is issued as direct=1`);
    }
    const devBytes = dev.sizeSectors * 512;
    const base = o.offsetPercent !== null ? Math.floor((devBytes * o.offsetPercent) / 100) : o.offset;
    this.regionStart = base + clone * o.offsetIncrement;
    let region = o.sizePercent !== null ? Math.floor((devBytes * o.sizePercent) / 100) : (o.size ?? devBytes - this.regionStart);
    region = Math.min(region, devBytes - this.regionStart);
    const minBs = Math.min(...o.bs);
    if (!(region >= minBs)) {
      throw new InputError(
        `job ${o.name}${o.numjobs > 1 ? ` (clone ${clone})` : ''}: region starting at byte ${this.regionStart} leaves no room for one block on ${dev.name} (${devBytes} bytes)`,
        at(o.offsetIncrement > 0 && clone > 0 ? 'offset_increment' : o.size !== null ? 'size' : 'offset'),
      );
    }
    this.regionBytes = region;
    if (o.ioengine === 'null' && !(env.cpuNsPerIo > 0) && (o.timeBased || o.runtime > 0)) {
      throw new InputError('the null engine takes no time: with fio.cpu_ns_per_io = 0 a runtime is never reached', at('ioengine'));
    }
    // Buffered I/O through libaio or io_uring completes inside io_submit: it is synchronous.
    this.async = (o.ioengine === 'libaio' || o.ioengine === 'io_uring') && this.cache === null;
    this.thread = env.cpus !== null ? env.cpus.thread(`fio/${o.name}.${clone}`, { pin: pinnedCpu(o, threadIndex, env.cpus.cores.length, at) }) : null;
    if (env.cpus === null && o.cpusAllowed !== null) env.warn(`fio job ${o.name}: cpus_allowed ignored (no CPU model in this run)`);
    // randrepeat=1: like fio, the job's random sequence depends only on randseed (and which
    // job it is), so it is the same on every run; randrepeat=0 draws it from the run's seed.
    const stream = (purpose: string) =>
      o.randrepeat ? new RandomStream(`fio-randseed:${o.randseed}`, `${o.name}.${clone}/${purpose}`) : env.sim.rng(`fio/${o.name}.${clone}/${purpose}`);
    this.offsets = [0, 1, 2].map((d) => {
      const active = d === DDIR_READ ? o.ddirs.read : d === DDIR_WRITE ? o.ddirs.write : o.ddirs.trim;
      if (!active) return null;
      const bs = o.bs[d];
      const blocks = Math.floor(region / bs);
      if (!o.random) return new SequentialOffsets(blocks * bs, bs);
      const rng = stream(`offsets/${OPS[d]}`);
      if (o.randomDistribution.kind === 'random') {
        if (blocks <= MAX_RANDOM_MAP_BLOCKS) return new RandomMapOffsets(blocks, bs, rng);
        env.warn(
          `job ${o.name}: the random map of ${blocks} blocks is too large (more than ${MAX_RANDOM_MAP_BLOCKS}); offsets are drawn without it, as with fio's norandommap=1: a block can be hit twice before every block is`,
        );
        return new UnmappedRandomOffsets(blocks, bs, rng);
      }
      return new SkewedOffsets(blocks, bs, rng, o.randomDistribution);
    });
    this.mixRng = stream('rwmix');
    this.dataRng = stream('buffers');
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
    if (o.rampTime === 0) this.beginMeasuring();
    const end = o.runtime > 0 ? this.rampEnd + o.runtime : Infinity;
    const timeBased = o.timeBased && o.runtime > 0;
    for (;;) {
      if (sim.now >= end) break;
      if (!timeBased && this.issuedBytes >= this.regionBytes) break;
      const d = this.pickDdir();
      const bs = o.bs[d];
      if (this.rateDelay(d) > 0) {
        // fio's rate_ddir(): reap everything in flight, then sleep until the rate allows.
        yield* this.quiesce();
        const wait = this.rateDelay(d);
        if (wait > 0) yield sim.timeout(Math.min(wait, Math.max(0, end - sim.now)));
        continue;
      }
      yield* this.issue(d, bs);
      if (o.thinktime > 0) {
        yield* this.quiesce();
        yield sim.timeout(o.thinktime);
      }
      if (d === DDIR_WRITE && o.fsync > 0 && ++this.writesSinceFsync >= o.fsync) {
        this.writesSinceFsync = 0;
        yield* this.fsync(true);
      }
    }
    yield* this.quiesce();
    if (o.endFsync) yield* this.fsync(false);
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

  private *issue(d: number, bs: number): ProcessGenerator<void> {
    const sim = this.env.sim;
    const o = this.options;
    const offset = this.regionStart + this.offsets[d]!.next();
    this.issuedBytes += bs;
    this.rateBytes[d] += bs;
    this.rateIos[d]++;
    yield* this.spend(this.env.cpuNsPerIo);
    const io = new IoUnit(this, d, bs);
    io.tStart = sim.now;
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
      if (d === DDIR_WRITE) yield* this.cache.write(this.thread, offset, bs);
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
    if (d === DDIR_WRITE && this.describesData) this.describeData(bio);
    yield* this.dev.submit(bio);
    if (io.tSubmitted !== io.tSubmitted) io.tSubmitted = sim.now;
    if (!this.async || this.inFlight >= o.iodepth) yield* this.reap(1);
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
  private describeData(bio: Bio): void {
    const o = this.options;
    if (o.zeroBuffers) return setBioPayload(bio, ZERO_PAYLOAD);
    if (o.bufferPattern !== null) return setBioPayload(bio, patternPayload(o.bufferPattern, o.bufferCompressPercentage));
    const base = (this.jobNumber * 4096 + this.clone + 1) * 2 ** 32;
    const blocks = Math.max(1, Math.ceil(bio.sectors / CONTENT_BLOCK_SECTORS));
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
    setBioPayload(bio, { fingerprint: base + first, blocks: 'distinct', compressPercentage: o.bufferCompressPercentage });
  }

  /** The largest block size the job issues (its io_u buffers are this big). */
  private get maxBs(): number {
    const bs = this.options.bs;
    return Math.max(bs[0], bs[1], bs[2]);
  }

  /** @internal bi_end_io of the job's bios: the I/O waits to be reaped. */
  _completed(io: IoUnit, bio: Bio): void {
    const now = this.env.sim.now;
    if (io.tSubmitted !== io.tSubmitted) io.tSubmitted = now; // completed during submission
    io.tDone = now;
    if (bio.status !== null) this.env.warn(`job ${this.options.name}: I/O error ${bio.status} at sector ${bio.sector}`);
    this.reaped.push(io);
    const w = this.waiter;
    if (w !== null) {
      this.waiter = null;
      w.succeed();
    }
  }

  /** io_getevents(min): waits for at least `min` completions, then reaps all there are. */
  private *reap(min: number): ProcessGenerator<void> {
    const sim = this.env.sim;
    let slept = false;
    while (this.reaped.length < min) {
      this.waiter = sim.event();
      yield this.waiter;
      slept = true;
    }
    // Back from sleep: the thread pays its wakeup and context switch before it sees them.
    if (slept && this.thread !== null) yield this.thread.exec(0);
    const done = this.reaped.splice(0, this.reaped.length);
    for (const io of done) {
      this.inFlight--;
      this.account(io);
    }
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
    // No slat for sync engines (-1), as fio records none.
    this.logs?.complete(now, io.ddir, io.bytes, this.async ? io.tSubmitted - io.tStart : -1, this.async ? now - io.tSubmitted : lat, lat);
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
