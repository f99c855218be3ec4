// deadline (block/deadline-iosched.c, 2.6.2x) and, with the same algorithm, mq-deadline:
// per direction a list sorted by sector and a FIFO with expiry times. Dispatch continues a
// batch of up to fifo_batch requests in ascending sector order; a new batch serves reads
// unless writes have been passed over writes_starved times; a batch starts at the oldest
// request if its deadline expired, else where the last batch left off.
import type { Elevator } from './elevator.js';
import { RequestList, SortedRequests } from './sorted-requests.js';
import type { BlockOptions } from './options.js';
import type { Request } from './request.js';

const READ = 0;
const WRITE = 1;

export class DeadlineElevator implements Elevator {
  readonly frontMerges: boolean;
  private readonly sorted = [new SortedRequests(), new SortedRequests()];
  private readonly fifo = [new RequestList(), new RequestList()];
  /** Where the current batch continues, per direction (only one is set at a time). */
  private readonly nextRq: (Request | null)[] = [null, null];
  private readonly expireNs: number[];
  private readonly fifoBatch: number;
  private readonly writesStarved: number;
  private batching = 0;
  private starved = 0;
  private n = 0;

  constructor(
    readonly name: 'deadline' | 'mq-deadline',
    options: BlockOptions,
  ) {
    this.frontMerges = options.front_merges;
    this.expireNs = [options.read_expire_ms * 1e6, options.write_expire_ms * 1e6];
    this.fifoBatch = options.fifo_batch;
    this.writesStarved = options.writes_starved;
  }

  get count(): number {
    return this.n;
  }

  add(rq: Request, now: number): void {
    const dir = rq.isWrite ? WRITE : READ;
    rq.fifoTime = now + this.expireNs[dir];
    this.sorted[dir].insert(rq);
    this.fifo[dir].push(rq);
    this.n++;
  }

  dispatch(now: number): Request | null {
    let rq = this.nextRq[WRITE] ?? this.nextRq[READ];
    if (this.nextRq[READ] !== null) rq = this.nextRq[READ];
    // Continue the current batch.
    if (rq !== null && this.batching < this.fifoBatch) return this.move(rq);

    const reads = this.fifo[READ].length > 0;
    const writes = this.fifo[WRITE].length > 0;
    let dir: number;
    if (reads && !(writes && this.starved++ >= this.writesStarved)) {
      dir = READ;
    } else if (writes) {
      this.starved = 0;
      dir = WRITE;
    } else {
      return null;
    }
    const oldest = this.fifo[dir].at(0);
    rq = oldest.fifoTime <= now || this.nextRq[dir] === null ? oldest : this.nextRq[dir];
    this.batching = 0;
    return this.move(rq as Request);
  }

  repositioned(rq: Request): void {
    const dir = rq.isWrite ? WRITE : READ;
    this.sorted[dir].remove(rq);
    this.sorted[dir].insert(rq);
  }

  remove(rq: Request): void {
    const dir = rq.isWrite ? WRITE : READ;
    if (this.nextRq[dir] === rq) this.nextRq[dir] = this.sorted[dir].after(rq);
    this.sorted[dir].remove(rq);
    this.fifo[dir].remove(rq);
    this.n--;
  }

  /** deadline_move_request: the batch continues from the request sorted after this one. */
  private move(rq: Request): Request {
    const dir = rq.isWrite ? WRITE : READ;
    this.nextRq[READ] = null;
    this.nextRq[WRITE] = null;
    this.nextRq[dir] = this.sorted[dir].after(rq);
    this.sorted[dir].remove(rq);
    this.fifo[dir].remove(rq);
    this.n--;
    this.batching++;
    return rq;
  }
}
