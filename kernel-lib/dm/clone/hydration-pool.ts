// The hydration mempool (mempool_init_slab_pool(&clone->hydration_pool, MIN_HYDRATIONS,
// _hydration_cache)): alloc_hydration is mempool_alloc(GFP_NOIO), which first asks the slab
// cache and only when that fails takes one of the MIN_HYDRATIONS descriptors kept in reserve,
// sleeping for a free one when the reserve is empty ("This might block but it can't fail").
// Without memory pressure the slab never fails and the pool never sleeps: the model's
// default. `clone.memoryPressure` makes every slab allocation fail, so the reserve is all
// there is: at most MIN_HYDRATIONS hydrations exist at once, and the next one to start waits
// (a writer in hydrate_bio_region, having dropped its bucket lock; the worker in
// __start_next_hydration) until a completed hydration frees one (free_hydration;
// docs/references.md#clone-map).
import type { Thread } from '../../sim/cpu.js';
import { Semaphore, type ProcessGenerator, type Simulation } from '../../sim/index.js';
import { beforeSleep } from '../../block/plug.js';

/** MIN_HYDRATIONS: the mempool's reserve. */
export const MIN_HYDRATIONS = 256;

export class HydrationPool {
  /** Descriptors allocated and not yet freed, and the most at once (statistics). */
  inUse = 0;
  maxInUse = 0;
  /** Allocations that slept for a free descriptor. */
  waits = 0;
  /** The reserve under memory pressure, else null (the slab never fails). */
  private readonly reserve: Semaphore | null;

  constructor(sim: Simulation, memoryPressure: boolean, size = MIN_HYDRATIONS) {
    this.reserve = memoryPressure ? new Semaphore(sim, size, 'clone.hydration_pool') : null;
  }

  /** Whether an allocation may sleep (then the caller must not hold a spinlock across it). */
  get maySleep(): boolean {
    return this.reserve !== null;
  }

  /** mempool_alloc when it need not sleep: from the slab, or a descriptor left in the reserve; false when it would sleep. */
  tryAlloc(): boolean {
    if (this.reserve !== null && !this.reserve.tryDown()) return false;
    if (++this.inUse > this.maxInUse) this.maxInUse = this.inUse;
    return true;
  }

  /** mempool_alloc(GFP_NOIO) that sleeps until a descriptor is freed (after tryAlloc failed). */
  *alloc(thread: Thread | null): ProcessGenerator<void> {
    if (this.tryAlloc()) return;
    this.waits++;
    yield beforeSleep(thread, (this.reserve as Semaphore).down());
    if (++this.inUse > this.maxInUse) this.maxInUse = this.inUse;
  }

  /** mempool_free: back to the reserve (waking the first waiter) or to the slab. */
  free(): void {
    this.inUse--;
    this.reserve?.up();
  }
}
