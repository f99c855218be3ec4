// A CFQ-like scheduler: what matters of CFQ for these studies is that it separates
// synchronous I/O (reads, O_DIRECT and fsync writes) from asynchronous writeback and gives
// each class a time slice (cfq_slice_sync = 100 ms, cfq_slice_async = 40 ms). Within a
// class, requests go in one-way ascending sector order from the last position, except that
// a request whose FIFO time expired (cfq_fifo_expire: 125 ms sync, 250 ms async) goes first.
// Sync I/O preempts an async slice; async I/O gets its slice when a sync slice ends.
// Idling (cfq_arm_slice_timer, 2.6.18+): when the last sync request of the process being
// served completes and nothing else is in the driver, CFQ does not move on to anyone else
// for cfq_slice_idle (8 ms), waiting for that process's next request, if its mean think time
// (time from a completion to its next request, decayed 7/8 as cfq_update_io_thinktime does)
// is below slice_idle; the idle ends when the request arrives or the timer fires, which
// also ends the process's slice. A process that reads, then needs other I/O to finish before
// it reads again (kcopyd: the copy's write must complete to free its pages) makes every
// async request behind it wait out the timer.
// Not modelled: per-process queues beyond who is idled on, priorities, seeky detection (a
// faithful CFQ is future work).
import type { Elevator, ElevatorKick } from './elevator.js';
import { RequestList, SortedRequests } from './sorted-requests.js';
import type { BlockOptions } from './options.js';
import type { Request } from './request.js';

const SYNC = 0;
const ASYNC = 1;
const FIFO_EXPIRE_NS = [125e6, 250e6];

/** Per process (its io_context): think time statistics, in CFQ's fixed point. */
interface ThinkTime {
  lastEnd: number;
  samples: number;
  total: number;
  mean: number;
}

export class CfqElevator implements Elevator {
  readonly name = 'cfq' as const;
  readonly frontMerges = true;
  private readonly sorted = [new SortedRequests(), new SortedRequests()];
  private readonly fifo = [new RequestList(), new RequestList()];
  private readonly sliceNs: number[];
  private active = -1;
  private sliceEnd = 0;
  private lastSector = 0;
  private n = 0;
  private readonly idleNs: number;
  /** The process whose sync requests the active sync slice serves (-1: none yet). */
  private owner = -1;
  /** While idling: until when; NaN when not idling. */
  private idleUntil = NaN;
  private inDriver = 0;
  private readonly think = new Map<number, ThinkTime>();
  readonly idleStats = { armed: 0, expired: 0, hit: 0 };

  constructor(
    options: BlockOptions,
    private readonly kick: ElevatorKick | null = null,
  ) {
    this.sliceNs = [options.slice_sync_ms * 1e6, options.slice_async_ms * 1e6];
    this.idleNs = kick === null ? 0 : options.slice_idle_ms * 1e6;
  }

  private static ownerOf(rq: Request): number {
    const t = rq.bio.thread;
    return t ? t.id : -1;
  }

  /** Whether a sync request of `owner` is queued (a loop, not some() with a closure per call). */
  private hasSyncOf(owner: number): boolean {
    const sync = this.fifo[SYNC];
    for (let i = 0; i < sync.length; i++) if (CfqElevator.ownerOf(sync.at(i)) === owner) return true;
    return false;
  }

  private thinkOf(owner: number): ThinkTime {
    let tt = this.think.get(owner);
    if (tt === undefined) this.think.set(owner, (tt = { lastEnd: NaN, samples: 0, total: 0, mean: 0 }));
    return tt;
  }

  get count(): number {
    return this.n;
  }

  add(rq: Request, now: number): void {
    const c = rq.isSync ? SYNC : ASYNC;
    if (c === SYNC && this.idleNs > 0) {
      // cfq_update_io_thinktime: ttime = min(now - last completion, 2 x slice_idle).
      const tt = this.thinkOf(CfqElevator.ownerOf(rq));
      if (tt.lastEnd === tt.lastEnd) {
        const ttime = Math.min(now - tt.lastEnd, 2 * this.idleNs);
        tt.samples = (7 * tt.samples + 256) / 8;
        tt.total = (7 * tt.total + 256 * ttime) / 8;
        tt.mean = (tt.total + 128) / tt.samples;
      }
    }
    rq.fifoTime = now + FIFO_EXPIRE_NS[c];
    this.sorted[c].insert(rq);
    this.fifo[c].push(rq);
    this.n++;
  }

  dispatch(now: number): Request | null {
    if (this.n === 0) return null;
    if (this.idleUntil === this.idleUntil) {
      if (this.hasSyncOf(this.owner)) {
        this.idleStats.hit++;
        this.idleUntil = NaN;
      } else if (now < this.idleUntil) {
        return null;
      } else {
        // The idle timer fired: the process's slice is over (cfq_slice_expired).
        this.idleStats.expired++;
        this.idleUntil = NaN;
        this.sliceEnd = now;
        if (this.fifo[ASYNC].length > 0) this.active = SYNC; // so the switch below picks async
      }
    }
    let c = this.active;
    // A sync request preempts an async slice (cfq_should_preempt).
    const preempt = c === ASYNC && this.fifo[SYNC].length > 0;
    if (preempt) c = -1;
    if (c < 0 || this.fifo[c].length === 0 || now >= this.sliceEnd) {
      // Slice over or class empty: sync first, but async gets its slice after a sync slice.
      const other = c === SYNC ? ASYNC : SYNC;
      c = this.fifo[other].length > 0 && c >= 0 ? other : this.fifo[SYNC].length > 0 ? SYNC : ASYNC;
      this.active = c;
      this.sliceEnd = now + this.sliceNs[c];
    }
    const head = this.fifo[c].at(0);
    const rq = head.fifoTime <= now ? head : (this.sorted[c].atOrAfter(this.lastSector) ?? (this.sorted[c].first() as Request));
    this.remove(rq);
    this.lastSector = rq.end;
    if (c === SYNC) this.owner = CfqElevator.ownerOf(rq);
    this.inDriver++;
    return rq;
  }

  /**
   * cfq_completed_request: note the process's completion time; if it was the last sync
   * request of the process being served and nothing is in the driver, arm the idle timer
   * (cfq_arm_slice_timer) when its think time allows it.
   */
  completed(rq: Request, now: number): void {
    if (this.inDriver > 0) this.inDriver--;
    if (!rq.isSync || this.idleNs === 0) return;
    const owner = CfqElevator.ownerOf(rq);
    const tt = this.thinkOf(owner);
    tt.lastEnd = now;
    if (this.active !== SYNC || owner !== this.owner || this.inDriver > 0 || now >= this.sliceEnd) return;
    if (this.hasSyncOf(owner)) return;
    // cfq_update_idle_window: idle only for a process that comes back within slice_idle.
    if (tt.samples > 80 && tt.mean > this.idleNs) return;
    this.idleStats.armed++;
    this.idleUntil = now + this.idleNs;
    this.kick?.(this.idleNs);
  }

  repositioned(rq: Request): void {
    const c = rq.isSync ? SYNC : ASYNC;
    this.sorted[c].remove(rq);
    this.sorted[c].insert(rq);
  }

  remove(rq: Request): void {
    const c = rq.isSync ? SYNC : ASYNC;
    this.sorted[c].remove(rq);
    this.fifo[c].remove(rq);
    this.n--;
  }
}
