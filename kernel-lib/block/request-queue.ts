// The 2.6-era single request queue (block/ll_rw_blk.c, __make_request and friends).
//
// A bio first tries to merge into a queued request: the one-entry last_merge cache, then the
// back-merge hash (requests by end sector), then a front merge if the elevator allows it.
// Otherwise it needs a request from the request_list, which holds nr_requests per direction;
// when that is exhausted the submitter unplugs the queue and sleeps (get_request_wait) until
// a completion hands it a freed request. A request inserted into an empty elevator plugs the
// queue: the driver sees nothing until unplug_thresh requests are queued, the 3 ms unplug
// timer fires, a submitter that is going to wait (a read, a sync write) unplugs it, or a
// completion restarts the queue. Plugging is what lets sequential bios merge into big
// requests before the disk sees them.
import type { CpuSet } from '../sim/cpu.js';
import { Deque, NumberMap, type ProcessGenerator, type Scheduled, type SimEvent, type Simulation } from '../sim/index.js';
import { REQ_SYNC, type Bio } from './bio.js';
import { BlkCore } from './blk-core.js';
import type { BlockDriver } from './driver.js';
import type { Elevator } from './elevator.js';
import { createElevator } from './elevator-get.js';
import type { BlockOptions, SchedulerName } from './options.js';
import { Request, backMerge, canMerge, canMergeRequests, fitsLimits, frontMerge, mergeRequests } from './request.js';

const READ = 0;
const WRITE = 1;

export class RequestQueue extends BlkCore {
  readonly elevator: Elevator;
  readonly nrRequests: number;
  /** q->queue_head: requests the elevator handed over, or that bypass it (flushes). */
  private readonly dispatchList = new Deque<Request>();
  /**
   * The elevator hash: queued (not yet dispatched) mergeable requests by end and start sector
   * (NumberMap: a Map reallocates its table each time it empties, at every I/O at depth 1).
   */
  private readonly byEnd = new NumberMap<Request>();
  private readonly byStart = new NumberMap<Request>();
  private lastMerge: Request | null = null;
  /** request_list: allocated requests per direction, and the sleepers waiting for one. */
  private readonly allocated = [0, 0];
  private readonly waiters = [new Deque<SimEvent<undefined>>(), new Deque<SimEvent<undefined>>()];
  private inDriver = 0;
  private plugged = false;
  private plugGeneration = 0;
  /** Counters for tests and reports. */
  readonly counters = { plugs: 0, unplugTimer: 0, unplugThreshold: 0, unplugExplicit: 0, sleeps: 0, requests: 0 };

  constructor(sim: Simulation, cpus: CpuSet | null, driver: BlockDriver, options: BlockOptions) {
    super(sim, cpus, driver, options);
    const name: SchedulerName = options.scheduler ?? 'cfq';
    this.elevator = createElevator(name, options, (delayNs) => this.kickAfter(delayNs));
    this.nrRequests = options.nr_requests ?? 128;
  }

  /** Whether the queue is plugged now (for tests). */
  get isPlugged(): boolean {
    return this.plugged;
  }

  /** Requests allocated for a direction (0 read, 1 write). */
  allocatedRequests(dir: 0 | 1): number {
    return this.allocated[dir];
  }

  protected *makeRequest(bio: Bio): ProcessGenerator<void> {
    const o = this.options;
    const thread = bio.thread;
    if (thread !== null) {
      yield thread.exec(o.submit_cpu_ns + o.merge_cpu_ns);
      if (thread.core !== null) bio.cpu = thread.core.index;
    }
    const sync = bio.op === 'read' || bio.hasFlag(REQ_SYNC);

    if (bio.op === 'flush') {
      // A flush drains the elevator (ELEVATOR_INSERT_BACK) so it is ordered after all of it.
      if (!this.takeSlot(WRITE)) yield* this.getRequestWait(WRITE, bio);
      const rq = new Request(bio, this.sim.now, this.limits.maxSegmentSize);
      for (let r = this.elevator.dispatch(this.sim.now); r !== null; r = this.elevator.dispatch(this.sim.now)) this.toDispatch(r);
      this.insertAccounting(rq);
      this.dispatchList.push(rq);
      this.unplug('explicit');
      yield* this.chargeIssued(thread);
      return;
    }

    // The issue charge and the request slot are taken inline when no sleep is needed rather
    // than through yield* helpers: this runs once per bio, and a helper generator per call
    // is an allocation the common case does not need.
    if (this.attemptMerge(bio)) {
      if (sync) this.unplug('explicit');
      const charge = this.issueCharge(thread);
      if (charge !== null) yield charge;
      return;
    }

    const dir = bio.isWrite ? WRITE : READ;
    if (!this.takeSlot(dir)) yield* this.getRequestWait(dir, bio);
    const rq = new Request(bio, this.sim.now, this.limits.maxSegmentSize);
    this.counters.requests++;
    // Plug an empty queue, then add; enough queued requests unplug it (elv_insert).
    if (o.queue_plugging && this.elevator.count === 0 && this.dispatchList.length === 0) this.plug();
    this.insertAccounting(rq);
    this.elevator.add(rq, this.sim.now);
    this.hash(rq);
    const queued = this.allocated[READ] + this.allocated[WRITE] - this.inDriver;
    if (this.plugged && queued >= o.unplug_thresh) this.unplug('threshold');
    else if (sync) this.unplug('explicit');
    else if (!this.plugged) this.runQueue();
    const charge = this.issueCharge(thread);
    if (charge !== null) yield charge;
  }

  /** get_request: a free request of the direction, if any is left and nobody waits for one. */
  private takeSlot(dir: number): boolean {
    if (this.allocated[dir] < this.nrRequests && this.waiters[dir].length === 0) {
      this.allocated[dir]++;
      return true;
    }
    return false;
  }

  /** get_request_wait once takeSlot failed: sleep until a completion hands a request over. */
  private *getRequestWait(dir: number, bio: Bio): ProcessGenerator<void> {
    // Unplug first so the queue drains while we sleep; the freer hands its request over.
    this.counters.sleeps++;
    this.unplug('explicit');
    const ev = this.sim.event<undefined>();
    this.waiters[dir].push(ev);
    yield* this.chargeIssued(bio.thread);
    yield ev;
  }

  /** elv_merge: last_merge, then the back-merge hash, then a front merge. */
  private attemptMerge(bio: Bio): boolean {
    const limits = this.limits;
    const lm = this.lastMerge;
    if (lm !== null && canMerge(lm, bio) && fitsLimits(lm, bio, limits)) {
      if (lm.end === bio.sector) return this.doBackMerge(lm, bio);
      if (lm.sector === bio.end) return this.doFrontMerge(lm, bio);
    }
    const back = this.byEnd.get(bio.sector);
    if (back !== undefined && canMerge(back, bio) && fitsLimits(back, bio, limits)) return this.doBackMerge(back, bio);
    if (this.elevator.frontMerges) {
      const front = this.byStart.get(bio.end);
      if (front !== undefined && canMerge(front, bio) && fitsLimits(front, bio, limits)) return this.doFrontMerge(front, bio);
    }
    return false;
  }

  private doBackMerge(rq: Request, bio: Bio): boolean {
    this.byEnd.delete(rq.end);
    backMerge(rq, bio, this.limits);
    this.byEnd.set(rq.end, rq);
    this.mergedBio(rq, bio);
    // attempt_back_merge: the grown request may now touch the next one.
    const next = this.byStart.get(rq.end);
    if (next !== undefined && canMergeRequests(rq, next, this.limits)) this.absorb(rq, next);
    return true;
  }

  private doFrontMerge(rq: Request, bio: Bio): boolean {
    this.byStart.delete(rq.sector);
    frontMerge(rq, bio, this.limits);
    this.byStart.set(rq.sector, rq);
    this.elevator.repositioned(rq);
    this.mergedBio(rq, bio);
    // attempt_front_merge: the previous request may now touch this one.
    const prev = this.byEnd.get(rq.sector);
    if (prev !== undefined && prev !== rq && canMergeRequests(prev, rq, this.limits)) this.absorb(prev, rq);
    return true;
  }

  private mergedBio(rq: Request, bio: Bio): void {
    bio.tInsert = this.sim.now;
    this.lastMerge = rq;
    this.accounting.merged(bio.isWrite);
  }

  /** rq absorbs next; next's request slot is freed. */
  private absorb(rq: Request, next: Request): void {
    this.unhash(rq);
    this.unhash(next);
    this.elevator.remove(next);
    mergeRequests(rq, next);
    this.hash(rq);
    this.accounting.merged(rq.isWrite);
    this.accounting.forget();
    this.releaseSlot(next.isWrite ? WRITE : READ);
  }

  private hash(rq: Request): void {
    if (rq.op !== 'read' && rq.op !== 'write') return;
    this.byEnd.set(rq.end, rq);
    this.byStart.set(rq.sector, rq);
  }

  private unhash(rq: Request): void {
    if (this.byEnd.get(rq.end) === rq) this.byEnd.delete(rq.end);
    if (this.byStart.get(rq.sector) === rq) this.byStart.delete(rq.sector);
    if (this.lastMerge === rq) this.lastMerge = null;
  }

  private insertAccounting(rq: Request): void {
    rq.tInsert = this.sim.now;
    for (let b: Bio | null = rq.bio; b !== null; b = b.biNext) b.tInsert = rq.tInsert;
    this.accounting.started();
  }

  /** blk_plug_device: plugged, with the unplug timer armed. */
  private plug(): void {
    if (this.plugged) return;
    this.plugged = true;
    this.counters.plugs++;
    const generation = ++this.plugGeneration;
    const timer: Scheduled = {
      _fire: () => {
        // blk_unplug_timeout -> kblockd: only if this plug is still the current one.
        if (this.plugged && this.plugGeneration === generation) {
          this.unplug('timer');
          this.chargeIrqIssue(this.flushIssued(), this.options.irq_cpu);
        }
      },
    };
    this.sim.schedule(timer, this.options.unplug_delay_ms * 1e6);
  }

  /** __generic_unplug_device / blk_run_queue: remove the plug and let the driver pull. */
  private unplug(why: 'timer' | 'threshold' | 'explicit'): void {
    if (this.plugged) {
      this.plugged = false;
      if (why === 'timer') this.counters.unplugTimer++;
      else if (why === 'threshold') this.counters.unplugThreshold++;
      else this.counters.unplugExplicit++;
    }
    this.runQueue();
  }

  private issuedSinceCharge = 0;

  /** request_fn: hand requests to the driver while it has room. */
  private runQueue(): void {
    if (this.plugged) return;
    const depth = this.driver.queueDepth;
    while (this.inDriver < depth) {
      let rq = this.dispatchList.shift() ?? null;
      if (rq === null) {
        rq = this.elevator.dispatch(this.sim.now);
        if (rq === null) break;
        this.unhash(rq);
      }
      this.inDriver++;
      this.issuedSinceCharge++;
      this.issue(rq);
    }
  }

  /** An elevator timer (CFQ's idle slice timer): run the queue again after `delayNs`. */
  private kickAfter(delayNs: number): void {
    this.sim.schedule(this.kick, delayNs);
  }

  /** The kick's agenda item, one for all (it carries no state, so it may be scheduled several times at once). */
  private readonly kick: Scheduled = {
    _fire: () => {
      this.runQueue();
      this.chargeIrqIssue(this.flushIssued(), this.options.irq_cpu);
    },
  };

  private toDispatch(rq: Request): void {
    this.unhash(rq);
    this.dispatchList.push(rq);
  }

  private flushIssued(): number {
    const n = this.issuedSinceCharge;
    this.issuedSinceCharge = 0;
    return n;
  }

  /** The driver issue cost of what this submitter dispatched, charged to it. */
  private *chargeIssued(thread: Bio['thread']): ProcessGenerator<void> {
    const charge = this.issueCharge(thread);
    if (charge !== null) yield charge;
  }

  /** The CPU burst (to yield) charging the submitter what it dispatched, or null if none. */
  private issueCharge(thread: Bio['thread']): SimEvent<undefined> | null {
    const n = this.flushIssued();
    return thread !== null && n > 0 ? thread.exec(n * this.driver.issueCpuNs) : null;
  }

  protected irqCpuOf(): number {
    return this.options.irq_cpu;
  }

  /** blk_put_request + the driver restarting the queue from its completion path. */
  protected freeRequest(rq: Request): void {
    this.inDriver--;
    this.elevator.completed?.(rq, this.sim.now);
    this.releaseSlot(rq.isWrite ? WRITE : READ);
    this.plugged = false;
    this.runQueue();
    this.chargeIrqIssue(this.flushIssued(), rq.completionCpu);
  }

  /** freed_request: hand the slot to the first sleeper, else return it to the list. */
  private releaseSlot(dir: number): void {
    const w = this.waiters[dir].shift();
    if (w !== undefined) w.succeed(undefined);
    else this.allocated[dir]--;
  }
}
