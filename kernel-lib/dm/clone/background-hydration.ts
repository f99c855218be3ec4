// Background hydration (do_hydration, __start_next_hydration, __batch_hydration): the last
// step of every worker pass. It starts only while no user bio is in flight, scans for
// unhydrated regions from where it stopped (wrapping at the end), keeps at most
// `hydration_threshold` regions hydrating (counting the one do_hydration holds while it runs)
// and batches up to `hydration_batch_size` adjacent regions into one kcopyd copy, so that
// small regions (good for small writes) still make large copies.
import type { Thread } from '../../sim/cpu.js';
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import type { CloneMetadata } from './clone-metadata.js';
import type { HydrationHash } from './hydration-hash.js';
import type { HydrationPool } from './hydration-pool.js';
import { RegionHydration } from './region-hydration.js';

/** What background hydration reads and changes of struct clone (clone.ts). */
export interface HydrationHost {
  readonly sim: Simulation;
  readonly cmd: CloneMetadata;
  readonly hash: HydrationHash;
  readonly pool: HydrationPool;
  readonly nrRegions: number;
  readonly mode: string;
  readonly hydrationSuspended: boolean;
  readonly hydrationEnabled: boolean;
  readonly iosInFlight: number;
  readonly hydrationThreshold: number;
  readonly hydrationBatchSize: number;
  hydrationsInFlight: number;
  hydrationOffset: number;
  readonly counters: { backgroundHydrations: number };
  hydrationCopy(hd: RegionHydration, n: number, thread: Thread | null): void;
  wakeupHydrationWaiters(): void;
}

interface Batch {
  head: RegionHydration | null;
  n: number;
}

/** do_hydration: start background hydrations while nobody does I/O, up to the threshold. */
export function* doHydration(c: HydrationHost, t: Thread): ProcessGenerator<void> {
  if (c.mode !== 'rw' || c.cmd.hydrationDone) return;
  c.hydrationsInFlight++; // against a race with suspension, as the kernel does
  let offset = c.hydrationOffset;
  const batch: Batch = { head: null, n: 0 };
  const nr = c.nrRegions;
  while (!c.hydrationSuspended && c.iosInFlight === 0 && c.hydrationEnabled && offset < nr) {
    if (c.hydrationsInFlight + batch.n > c.hydrationThreshold) break;
    offset = yield* startNextHydration(c, offset, batch, t);
  }
  if (batch.head !== null) c.hydrationCopy(batch.head, batch.n, t);
  if (offset >= nr) offset = 0;
  c.hydrationOffset = offset;
  if (--c.hydrationsInFlight === 0) c.wakeupHydrationWaiters();
}

/** __start_next_hydration: the next unhydrated region nobody is hydrating, into the batch. */
function* startNextHydration(c: HydrationHost, offset: number, batch: Batch, t: Thread): ProcessGenerator<number> {
  const nr = c.nrRegions;
  // alloc_hydration first (it may sleep: under memory pressure the worker waits here).
  if (!c.pool.tryAlloc()) yield* c.pool.alloc(t);
  do {
    offset = c.cmd.findNextUnhydrated(offset);
    if (offset === nr) break;
    const lock = yield* c.hash.lock(t, offset);
    if (!c.cmd.isRegionHydrated(offset) && c.hash.find(offset) === undefined) {
      const hd = new RegionHydration(c, offset, c.sim.now);
      c.hash.insert(hd);
      lock.unlock();
      c.counters.backgroundHydrations++;
      batchHydration(c, batch, hd, t);
      return offset + 1;
    }
    lock.unlock();
  } while (++offset < nr);
  c.pool.free();
  return offset;
}

/** __batch_hydration: extend the batch with an adjacent region, or issue it and start anew. */
function batchHydration(c: HydrationHost, batch: Batch, hd: RegionHydration, t: Thread): void {
  const max = c.hydrationBatchSize;
  let next: RegionHydration | null = hd;
  if (batch.head !== null) {
    if (batch.n < max && batch.head.regionNr + batch.n === hd.regionNr) {
      batch.head.addToBatch(hd);
      batch.n++;
      next = null;
    }
    if (batch.n >= max || next !== null) {
      c.hydrationCopy(batch.head, batch.n, t);
      batch.head = null;
      batch.n = 0;
    }
  }
  if (next === null) return;
  if (max <= 1) {
    c.hydrationCopy(next, 1, t);
    return;
  }
  batch.head = next;
  batch.n = 1;
}
