// A CFQ-like scheduler: what matters of CFQ for these studies is that it separates
// synchronous I/O (reads, O_DIRECT and fsync writes) from asynchronous writeback and gives
// each class a time slice (cfq_slice_sync = 100 ms, cfq_slice_async = 40 ms). Within a
// class, requests go in one-way ascending sector order from the last position, except that
// a request whose FIFO time expired (cfq_fifo_expire: 125 ms sync, 250 ms async) goes first.
// Sync I/O preempts an async slice; async I/O gets its slice when a sync slice ends.
// Not modelled: per-process queues, idling, priorities (a faithful CFQ is future work).
import type { Elevator } from './elevator.js';
import { SortedRequests, removeFrom } from './sorted-requests.js';
import type { BlockOptions } from './options.js';
import type { Request } from './request.js';

const SYNC = 0;
const ASYNC = 1;
const FIFO_EXPIRE_NS = [125e6, 250e6];

export class CfqElevator implements Elevator {
  readonly name = 'cfq' as const;
  readonly frontMerges = true;
  private readonly sorted = [new SortedRequests(), new SortedRequests()];
  private readonly fifo: Request[][] = [[], []];
  private readonly sliceNs: number[];
  private active = -1;
  private sliceEnd = 0;
  private lastSector = 0;
  private n = 0;

  constructor(options: BlockOptions) {
    this.sliceNs = [options.slice_sync_ms * 1e6, options.slice_async_ms * 1e6];
  }

  get count(): number {
    return this.n;
  }

  add(rq: Request, now: number): void {
    const c = rq.isSync ? SYNC : ASYNC;
    rq.fifoTime = now + FIFO_EXPIRE_NS[c];
    this.sorted[c].insert(rq);
    this.fifo[c].push(rq);
    this.n++;
  }

  dispatch(now: number): Request | null {
    if (this.n === 0) return null;
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
    const head = this.fifo[c][0];
    const rq = head.fifoTime <= now ? head : (this.sorted[c].atOrAfter(this.lastSector) ?? (this.sorted[c].first() as Request));
    this.remove(rq);
    this.lastSector = rq.end;
    return rq;
  }

  repositioned(rq: Request): void {
    const c = rq.isSync ? SYNC : ASYNC;
    this.sorted[c].remove(rq);
    this.sorted[c].insert(rq);
  }

  remove(rq: Request): void {
    const c = rq.isSync ? SYNC : ASYNC;
    this.sorted[c].remove(rq);
    removeFrom(this.fifo[c], rq);
    this.n--;
  }
}
