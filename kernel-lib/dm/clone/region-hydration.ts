// struct dm_clone_region_hydration: one region being copied (or overwritten) onto the
// destination. Bios that arrive for the region meanwhile wait on it (deferred_bios); an
// exactly full-region write is the overwrite bio and needs no copy. Background hydration
// batches adjacent regions: the head of a batch carries the others (list) and one kcopyd
// copy covers them all.
import type { Bio } from '../../block/bio.js';

export class RegionHydration {
  overwriteBio: Bio | null = null;
  readonly deferredBios: Bio[] = [];
  status: string | null = null;
  /** The other regions of this batch, when this is the batch's head. */
  readonly batch: RegionHydration[] = [];
  /** When the hydration started (statistics: hydration latency). */
  readonly startedAt: number;
  /** Started for a user write that waits for it (not background, not an overwrite). */
  forWrite = false;
  /** The next hydration in its hash bucket's list (the hlist_node). */
  hashNext: RegionHydration | null = null;

  constructor(
    /** The struct clone it belongs to (hd->clone). */
    readonly owner: unknown,
    readonly regionNr: number,
    now: number,
  ) {
    this.startedAt = now;
  }
}
