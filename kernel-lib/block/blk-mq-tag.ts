// A tag set (blk-mq-tag.c, sbitmap underneath): `depth` tags; a request needs one to exist
// (scheduler tags) or to reach the driver (driver tags). When none is free the allocator
// sleeps in FIFO order, and a freed tag goes straight to the first sleeper.
import { Deque, type SimEvent, type Simulation } from '../sim/index.js';

export class TagSet {
  private readonly free: number[] = [];
  private readonly sleepers = new Deque<SimEvent<number>>();
  /** Most tags in use at once (for reports). */
  maxUsed = 0;

  constructor(
    private readonly sim: Simulation,
    readonly depth: number,
  ) {
    for (let t = depth - 1; t >= 0; t--) this.free.push(t);
  }

  get used(): number {
    return this.depth - this.free.length;
  }

  get sleeping(): number {
    return this.sleepers.length;
  }

  /** A free tag, or -1 (blk_mq_get_tag with BLK_MQ_REQ_NOWAIT). */
  tryGet(): number {
    if (this.sleepers.length > 0) return -1; // no barging past sleepers
    const t = this.free.pop();
    if (t === undefined) return -1;
    const used = this.depth - this.free.length;
    if (used > this.maxUsed) this.maxUsed = used;
    return t;
  }

  /** An event that fires with a tag once one is freed for this sleeper. */
  wait(): SimEvent<number> {
    const ev = this.sim.event<number>();
    this.sleepers.push(ev);
    return ev;
  }

  /** blk_mq_put_tag: to the first sleeper, else back to the pool. Returns true if handed over. */
  put(tag: number): boolean {
    const s = this.sleepers.shift();
    if (s !== undefined) {
      s.succeed(tag);
      return true;
    }
    this.free.push(tag);
    return false;
  }
}
