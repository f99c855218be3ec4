// What the legacy request queue and blk-mq share (block/blk-core.c, blk-flush.c,
// blk-softirq.c / blk_mq_complete_request): the entry point submit_bio with splitting and
// pre-flush sequencing, completion steering by rq_affinity with its CPU cost, and disk
// statistics. The two queues differ only in how a bio becomes a request and reaches the
// driver (`makeRequest`) and in what a finished request frees (`freeRequest`).
import type { CpuSet } from '../sim/cpu.js';
import type { ProcessGenerator, Simulation } from '../sim/index.js';
import { Bio, REQ_PREFLUSH, REQ_SYNC } from './bio.js';
import type { BlockDevice, DiskStats } from './device.js';
import { DiskStatsAccounting } from './disk-stats.js';
import type { BlockDriver, DriverHost } from './driver.js';
import type { BlockOptions } from './options.js';
import type { MergeLimits, Request } from './request.js';

export abstract class BlkCore implements BlockDevice, DriverHost {
  readonly name: string;
  readonly sizeSectors: number;
  readonly logicalBlockSize: number;
  readonly limits: MergeLimits;
  protected readonly accounting: DiskStatsAccounting;
  /** Completion CPU of every request completed so far, counted (for tests and reports). */
  readonly completionsOnCpu: number[];
  /**
   * Whether a driver's direct completion (driver.completesDirect) ends the request inside
   * queueRq: blk-mq's blk_mq_complete_request does; the legacy queue's blk_complete_request
   * always raises the block softirq.
   */
  protected readonly directCompletion: boolean = false;

  constructor(
    readonly sim: Simulation,
    readonly cpus: CpuSet | null,
    readonly driver: BlockDriver,
    readonly options: BlockOptions,
  ) {
    this.name = driver.name;
    this.sizeSectors = driver.sizeSectors;
    this.logicalBlockSize = driver.logicalBlockSize;
    this.limits = {
      // blk_queue_max_hw_sectors: max_sectors never exceeds what the hardware takes.
      maxSectors: Math.min(options.max_sectors, driver.maxHwSectors),
      maxSegments: options.max_segments,
      maxSegmentSize: options.max_segment_size,
    };
    this.accounting = new DiskStatsAccounting(sim);
    this.completionsOnCpu = new Array(cpus?.cores.length ?? 1).fill(0);
    driver.attach(this);
  }

  /**
   * submit_bio. A bio within the limits goes straight to makeRequest (no extra generator
   * frame on the hot path); otherwise submitSlow sequences a pre-flush and splits.
   */
  submit(bio: Bio): ProcessGenerator<void> {
    bio.tQueue = this.sim.now;
    const core = bio.thread?.core;
    if (core) bio.cpu = core.index;
    if (bio.sectors <= this.limits.maxSectors && (bio.flags & REQ_PREFLUSH) === 0 && bio.sector >= 0 && bio.end <= this.sizeSectors) {
      return this.makeRequest(bio);
    }
    return this.submitSlow(bio);
  }

  /**
   * Order matters: a pre-flush must complete before the data is queued (the flush
   * machinery of blk-flush.c, run synchronously in the submitter here), and an oversized bio
   * is split before it can become a request (blk_queue_split).
   */
  private *submitSlow(bio: Bio): ProcessGenerator<void> {
    const sim = this.sim;
    if (bio.sector < 0 || bio.end > this.sizeSectors) {
      bio.endio(sim, 'EIO');
      return;
    }
    if ((bio.flags & REQ_PREFLUSH) !== 0 && bio.sectors > 0) {
      const flush = new Bio('flush', 0, 0, REQ_SYNC);
      flush.thread = bio.thread;
      flush.cpu = bio.cpu;
      flush.tQueue = sim.now;
      yield* this.makeRequest(flush);
      yield flush.wait(sim);
      bio.flags &= ~REQ_PREFLUSH;
    }
    const max = this.limits.maxSectors;
    if (bio.sectors <= max) {
      yield* this.makeRequest(bio);
      return;
    }
    // bio_split + bio_chain: the parent completes when its last piece does.
    let remaining = Math.ceil(bio.sectors / max);
    let status: string | null = null;
    const endPiece = (piece: Bio): void => {
      status ??= piece.status;
      if (--remaining === 0) bio.endio(sim, status);
    };
    for (let s = bio.sector; s < bio.end; s += max) {
      const piece = bio.child(bio.op, s, Math.min(max, bio.end - s), bio.flags, bio, endPiece);
      piece.tQueue = bio.tQueue;
      yield* this.makeRequest(piece);
    }
  }

  diskStats(): DiskStats {
    return this.accounting.snapshot();
  }

  /** Turns a bio (within limits) into a request or merges it; may sleep. */
  protected abstract makeRequest(bio: Bio): ProcessGenerator<void>;

  /** The request's bios have ended: release its tag / request slot and restart the queue. */
  protected abstract freeRequest(rq: Request): void;

  /** The CPU that takes the interrupt for the request's hardware queue. */
  protected abstract irqCpuOf(rq: Request): number;

  /** Common issue step: time stamps, accounting, then the driver's queue_rq. */
  protected issue(rq: Request): void {
    const now = this.sim.now;
    rq.tIssue = now;
    for (let b: Bio | null = rq.bio; b !== null; b = b.biNext) b.tIssue = now;
    this.driver.queueRq(rq);
  }

  /**
   * The hardware finished rq. The interrupt handler runs on `cpu`; with rq_affinity the
   * softirq that ends the bios is sent by IPI to the submitting CPU when the two differ and
   * (rq_affinity = 2, or they do not share a cache) — blk_mq_complete_need_ipi. The bios end
   * after the handler and softirq times have elapsed.
   */
  completeRequest(rq: Request, status: string | null = null, cpu?: number): void {
    const o = this.options;
    const inline = this.driver.completesInline === true;
    const irqCpu = cpu ?? this.irqCpuOf(rq);
    const ipi = o.rq_affinity > 0 && irqCpu !== rq.cpu && (o.rq_affinity === 2 || !o.cpus_share_cache);
    const doneCpu = ipi ? rq.cpu : irqCpu;
    const irqNs = inline ? 0 : this.driver.irqCpuNs;
    const cpus = this.cpus;
    if (!ipi && this.directCompletion && this.driver.completesDirect === true) {
      // mq_ops->complete called from queue_rq: the bios end now, in the submitter's context,
      // before it goes on (a kcopyd worker sees its read done and issues the write in the
      // same pass). The CPU time is the submitting core's.
      if (cpus !== null) cpus.irq(doneCpu % cpus.cores.length, irqNs + o.complete_cpu_ns);
      this.completionsOnCpu[doneCpu % this.completionsOnCpu.length]++;
      rq.status = status;
      rq.completionCpu = doneCpu;
      this.endRequest(rq);
      return;
    }
    const delay = irqNs + (ipi ? o.ipi_cpu_ns : 0) + o.complete_cpu_ns;
    if (cpus !== null) {
      const n = cpus.cores.length;
      if (ipi) {
        cpus.irq(irqCpu % n, irqNs + o.ipi_cpu_ns);
        cpus.irq(doneCpu % n, o.ipi_cpu_ns + o.complete_cpu_ns);
      } else {
        cpus.irq(doneCpu % n, irqNs + o.complete_cpu_ns);
      }
    }
    this.completionsOnCpu[doneCpu % this.completionsOnCpu.length]++;
    rq.status = status;
    rq.completionCpu = doneCpu;
    if (delay > 0) {
      rq.onTimer = this.endRequestFn;
      this.sim.schedule(rq, delay);
    } else {
      this.endRequest(rq);
    }
  }

  private readonly endRequestFn = (rq: Request): void => this.endRequest(rq);

  /** blk_mq_end_request / end_that_request_last: bios first, then the request is freed. */
  private endRequest(rq: Request): void {
    this.accounting.done(rq);
    // bi_next is cleared before each bio ends (blk_update_request): its owner may reuse it.
    let b: Bio | null = rq.bio;
    while (b !== null) {
      const next: Bio | null = b.biNext;
      b.biNext = null;
      b.completionCpu = rq.completionCpu;
      b.endio(this.sim, rq.status);
      b = next;
    }
    this.freeRequest(rq);
  }

  /** Charges driver issue cost for `n` requests dispatched outside any thread (timer, softirq). */
  protected chargeIrqIssue(n: number, cpu: number): void {
    if (this.cpus !== null && n > 0) this.cpus.irq(cpu % this.cpus.cores.length, n * this.driver.issueCpuNs);
  }
}
