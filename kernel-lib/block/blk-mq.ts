// blk-mq (block/blk-mq.c): each CPU's software context maps to a hardware context (hctx);
// each hctx has `queue_depth` driver tags, and with an I/O scheduler also
// nr_requests = 2 x min(queue_depth, 128) scheduler tags (blk_mq_init_sched).
//
// Without a scheduler a request is born holding a driver tag and goes straight to the driver
// (blk_mq_try_issue_directly); a submitter that finds no tag sleeps for one. With a
// scheduler a request holds a scheduler tag while it waits in the elevator, and the hctx is
// "run" (blk_mq_run_hw_queue) whenever a driver tag may be available: after an insertion and
// after every completion. Merging happens against the submitter's plug first
// (blk_attempt_plug_merge), then in the scheduler (blk_mq_sched_bio_merge).
import type { CpuSet } from '../sim/cpu.js';
import { NumberMap, type ProcessGenerator, type Simulation } from '../sim/index.js';
import type { Bio } from './bio.js';
import { BlkCore } from './blk-core.js';
import { TagSet } from './blk-mq-tag.js';
import type { BlockDriver } from './driver.js';
import type { Elevator } from './elevator.js';
import { createElevator } from './elevator-get.js';
import type { BlockOptions, SchedulerName } from './options.js';
import { currentPlug, type BlkPlug, type PlugTarget } from './plug.js';
import { Request, backMerge, canMerge, fitsLimits, frontMerge } from './request.js';

/** struct blk_mq_hw_ctx, reduced. */
export class HwQueue {
  readonly driverTags: TagSet;
  readonly schedTags: TagSet | null;
  readonly elevator: Elevator | null;
  /**
   * Scheduler merge lookups: queued requests by end sector (the elevator hash, elv_rqhash)
   * and by start sector (the front-merge lookup). NumberMap, not Map: at queue depth 1 each
   * empties on every I/O, and V8's Map reallocates its table whenever it does.
   */
  readonly byEnd = new NumberMap<Request>();
  readonly byStart = new NumberMap<Request>();
  /** Inside blk_mq_run_hw_queue's dispatch loop (re-entry guard). */
  running = false;
  inDriver = 0;

  constructor(
    sim: Simulation,
    readonly index: number,
    /** The CPU its completion interrupt is affine to. */
    readonly irqCpu: number,
    depth: number,
    scheduler: SchedulerName,
    options: BlockOptions,
  ) {
    this.driverTags = new TagSet(sim, depth);
    if (scheduler === 'none') {
      this.schedTags = null;
      this.elevator = null;
    } else {
      this.schedTags = new TagSet(sim, options.nr_requests ?? 2 * Math.min(depth, 128));
      this.elevator = createElevator(scheduler, options);
    }
  }
}

export class BlkMq extends BlkCore implements PlugTarget {
  readonly scheduler: SchedulerName;
  readonly hctxs: HwQueue[];
  private readonly nrCpus: number;
  private issuedSinceCharge = 0;
  readonly counters = { requests: 0, plugMerges: 0, schedMerges: 0, tagSleeps: 0 };
  protected override readonly directCompletion = true;

  constructor(sim: Simulation, cpus: CpuSet | null, driver: BlockDriver, options: BlockOptions) {
    super(sim, cpus, driver, options);
    this.nrCpus = cpus?.cores.length ?? 1;
    // elevator_get_default: mq-deadline for single-queue devices, none for multi-queue.
    this.scheduler = options.scheduler ?? (driver.nrHwQueues === 1 ? 'mq-deadline' : 'none');
    const nr = driver.nrHwQueues;
    this.hctxs = Array.from({ length: nr }, (_, i) => new HwQueue(sim, i, i % this.nrCpus, driver.queueDepth, this.scheduler, options));
  }

  /** blk_mq_map_queues: CPU c uses hardware queue c mod nr_hw_queues. */
  hctxOf(cpu: number): HwQueue {
    return this.hctxs[cpu % this.hctxs.length];
  }

  protected *makeRequest(bio: Bio): ProcessGenerator<void> {
    const o = this.options;
    const thread = bio.thread;
    const plug = bio.op === 'flush' ? null : currentPlug(thread);
    // One CPU burst for the common path: submit_bio, the merge attempt, and the driver's
    // queue_rq of this request when nothing holds it back (no plug). Whatever else this
    // submitter ends up dispatching is charged after; a merge keeps the small overcharge.
    const prepaid = plug === null && thread !== null ? 1 : 0;
    if (thread !== null) {
      yield thread.exec(o.submit_cpu_ns + o.merge_cpu_ns + prepaid * this.driver.issueCpuNs);
      if (thread.core !== null) bio.cpu = thread.core.index;
    }
    const hctx = this.hctxOf(bio.cpu);

    if (bio.op !== 'flush') {
      if (plug !== null && this.attemptPlugMerge(plug, bio)) return;
      if (hctx.elevator !== null && this.schedMerge(hctx, bio)) {
        this.issuedSinceCharge = 0;
        return;
      }
    }

    // Flushes bypass the scheduler (blk_insert_flush) and need a driver tag.
    const tags = bio.op === 'flush' || hctx.schedTags === null ? hctx.driverTags : hctx.schedTags;
    let tag = tags.tryGet();
    if (tag < 0) {
      // Sleeping in blk_mq_get_tag: schedule() flushes the plug first.
      this.counters.tagSleeps++;
      plug?.flush();
      const n = this.issuedSinceCharge;
      this.issuedSinceCharge = 0;
      if (thread !== null && n > 0) yield thread.exec(n * this.driver.issueCpuNs);
      tag = yield tags.wait();
    }
    const rq = new Request(bio, this.sim.now, this.limits.maxSegmentSize);
    rq.hctx = hctx.index;
    if (tags === hctx.driverTags) rq.tag = tag;
    else rq.schedTag = tag;
    this.counters.requests++;
    this.accounting.started();

    if (plug !== null) {
      // blk_add_rq_to_plug: flush first if the plug is full or its last request is big.
      const last = plug.lastFor(this);
      if (plug.entries.length >= o.plug_max_requests || (last !== null && last.bytes >= o.plug_flush_bytes)) plug.flush();
      plug.add(this, rq);
    } else if (rq.tag < 0) {
      this.insert(hctx, rq);
      this.runHwQueue(hctx);
    } else {
      this.issueDirect(hctx, rq);
    }
    const extra = this.issuedSinceCharge - prepaid;
    this.issuedSinceCharge = 0;
    if (thread !== null && extra > 0) yield thread.exec(extra * this.driver.issueCpuNs);
  }

  /** blk_mq_flush_plug_list: the plug's requests for this queue, in order. */
  flushPlugged(requests: Request[]): void {
    // The hctxs that got an insertion are run after, once each, in the order first touched.
    // Nearly always there is one: it is kept apart so that a flush allocates no Set.
    let first: HwQueue | null = null;
    let others: Set<HwQueue> | null = null;
    for (let i = 0; i < requests.length; i++) {
      const rq = requests[i];
      const hctx = this.hctxs[rq.hctx];
      if (rq.tag < 0) {
        this.insert(hctx, rq);
        if (first === null) first = hctx;
        else if (hctx !== first) (others ??= new Set()).add(hctx);
      } else {
        this.issueDirect(hctx, rq);
      }
    }
    if (first !== null) this.runHwQueue(first);
    if (others !== null) for (const hctx of others) this.runHwQueue(hctx);
  }

  private attemptPlugMerge(plug: BlkPlug, bio: Bio): boolean {
    const rq = plug.lastFor(this);
    if (rq === null || !canMerge(rq, bio) || !fitsLimits(rq, bio, this.limits)) return false;
    if (rq.end === bio.sector) backMerge(rq, bio, this.limits);
    else if (rq.sector === bio.end) frontMerge(rq, bio, this.limits);
    else return false;
    this.counters.plugMerges++;
    this.accounting.merged(bio.isWrite);
    return true;
  }

  private schedMerge(hctx: HwQueue, bio: Bio): boolean {
    const elv = hctx.elevator as Elevator;
    const back = hctx.byEnd.get(bio.sector);
    if (back !== undefined && canMerge(back, bio) && fitsLimits(back, bio, this.limits)) {
      hctx.byEnd.delete(back.end);
      backMerge(back, bio, this.limits);
      hctx.byEnd.set(back.end, back);
    } else {
      const front = elv.frontMerges ? hctx.byStart.get(bio.end) : undefined;
      if (front === undefined || !canMerge(front, bio) || !fitsLimits(front, bio, this.limits)) return false;
      hctx.byStart.delete(front.sector);
      frontMerge(front, bio, this.limits);
      hctx.byStart.set(front.sector, front);
      elv.repositioned(front);
    }
    bio.tInsert = this.sim.now;
    this.counters.schedMerges++;
    this.accounting.merged(bio.isWrite);
    return true;
  }

  private insert(hctx: HwQueue, rq: Request): void {
    rq.tInsert = this.sim.now;
    for (let b: Bio | null = rq.bio; b !== null; b = b.biNext) b.tInsert = rq.tInsert;
    (hctx.elevator as Elevator).add(rq, this.sim.now);
    if (rq.op === 'read' || rq.op === 'write') {
      hctx.byEnd.set(rq.end, rq);
      hctx.byStart.set(rq.sector, rq);
    }
  }

  /** blk_mq_run_hw_queue with a scheduler: dispatch while driver tags last. */
  private runHwQueue(hctx: HwQueue): void {
    // A request completing inside queue_rq (driver.completesDirect) frees its tag and would
    // run the queue again from within this loop: the loop itself goes on instead.
    if (hctx.running) return;
    hctx.running = true;
    try {
      this.dispatchLoop(hctx);
    } finally {
      hctx.running = false;
    }
  }

  private dispatchLoop(hctx: HwQueue): void {
    const elv = hctx.elevator as Elevator;
    while (elv.count > 0) {
      const tag = hctx.driverTags.tryGet();
      if (tag < 0) return;
      const rq = elv.dispatch(this.sim.now) as Request;
      if (hctx.byEnd.get(rq.end) === rq) hctx.byEnd.delete(rq.end);
      if (hctx.byStart.get(rq.sector) === rq) hctx.byStart.delete(rq.sector);
      rq.tag = tag;
      this.issueDirect(hctx, rq);
    }
  }

  private issueDirect(hctx: HwQueue, rq: Request): void {
    if (rq.tInsert !== rq.tInsert) {
      rq.tInsert = this.sim.now;
      for (let b: Bio | null = rq.bio; b !== null; b = b.biNext) b.tInsert = rq.tInsert;
    }
    hctx.inDriver++;
    this.issuedSinceCharge++;
    this.issue(rq);
  }

  protected irqCpuOf(rq: Request): number {
    return this.hctxs[rq.hctx].irqCpu;
  }

  /** blk_mq_free_request: driver tag, then scheduler tag; then restart the hctx. */
  protected freeRequest(rq: Request): void {
    const hctx = this.hctxs[rq.hctx];
    hctx.inDriver--;
    hctx.driverTags.put(rq.tag);
    rq.tag = -1;
    if (rq.schedTag >= 0) {
      (hctx.schedTags as TagSet).put(rq.schedTag);
      rq.schedTag = -1;
    }
    if (hctx.elevator !== null) {
      this.runHwQueue(hctx);
      const n = this.issuedSinceCharge;
      this.issuedSinceCharge = 0;
      this.chargeIrqIssue(n, rq.completionCpu);
    }
  }
}
