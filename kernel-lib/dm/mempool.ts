// mempool_alloc / mempool_free (mm/mempool.c) for a pool whose elements carry nothing the
// simulation needs: only how many are taken matters. A pool keeps min_nr elements in reserve
// for when the allocator fails. mempool_alloc(GFP_NOIO) first asks the allocator (the slab,
// without direct reclaim), and only when that fails takes an element from the reserve; with
// the reserve empty it sleeps on pool->wait until mempool_free puts one back (the freed element
// refills the reserve while it is below min_nr, else goes back to the allocator). So without
// memory pressure a mempool never waits and bounds nothing [S M-414]; under
// pressure (`allocatorFails`) at most min_nr elements are out at once.
//
// Simplification: a woken waiter is handed the freed element at once (the kernel wakes every
// waiter and they race for it after retrying the allocator; one of them gets it), in FIFO order.
import { Deque, type SimEvent, type Simulation } from '../sim/index.js';

export class Mempool {
  /** Elements in the reserve (pool->curr_nr). */
  reserve: number;
  /** Elements allocated and not freed yet. */
  inUse = 0;
  /** Highest number of elements out at once. */
  maxInUse = 0;
  /** Allocations that found the allocator failing and the reserve empty, and slept. */
  waits = 0;
  private readonly waiters = new Deque<SimEvent<undefined>>();

  constructor(
    readonly sim: Simulation,
    /** min_nr: the reserve's size. */
    readonly minNr: number,
    /** Whether the allocator fails (memory pressure): then only the reserve serves. */
    readonly allocatorFails: boolean,
  ) {
    this.reserve = minNr;
  }

  /**
   * mempool_alloc(GFP_NOIO): null when an element was taken now, else the event to sleep on;
   * the element is the caller's when it fires.
   */
  alloc(): SimEvent<undefined> | null {
    if (!this.allocatorFails) {
      this.took();
      return null;
    }
    if (this.reserve > 0) {
      this.reserve--;
      this.took();
      return null;
    }
    this.waits++;
    const ev = this.sim.event<undefined>();
    this.waiters.push(ev);
    return ev;
  }

  /** mempool_free: refill the reserve (waking a sleeper with the element) or give it back. */
  free(): void {
    if (this.inUse <= 0) throw new Error('mempool_free of an element that was not allocated');
    this.inUse--;
    if (this.reserve >= this.minNr) return; // pool->free: back to the allocator
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      this.took();
      waiter.succeed(undefined);
    } else {
      this.reserve++;
    }
  }

  private took(): void {
    this.inUse++;
    if (this.inUse > this.maxInUse) this.maxInUse = this.inUse;
  }
}
