// struct dm_clone_region_hydration: one region being copied (or overwritten) onto the
// destination. Bios that arrive for the region meanwhile wait on it (deferred_bios); an
// exactly full-region write is the overwrite bio and needs no copy. Background hydration
// batches adjacent regions: the head of a batch carries the others (list) and one kcopyd
// copy covers them all. One is made for every write to an unhydrated region, so its fields
// are assigned in the constructor (faster in V8 than class-field definitions) and its lists
// are made only when something joins them.
import type { Bio, BioEndIo } from '../../block/bio.js';

export class RegionHydration {
  declare overwriteBio: Bio | null;
  /** The overwrite bio's own bi_end_io and bi_private while it is hooked (overwrite_endio restores them). */
  declare overwriteBioEndIo: BioEndIo | null;
  declare overwriteBioPrivate: unknown;
  /** Bios waiting for the region (null until the first: most hydrations have none). */
  declare deferredBios: Bio[] | null;
  declare status: string | null;
  /** The other regions of this batch, when this is the batch's head (null: none). */
  declare batch: RegionHydration[] | null;
  /** When the hydration started (statistics: hydration latency). */
  declare readonly startedAt: number;
  /** Started for a user write that waits for it (not background, not an overwrite). */
  declare forWrite: boolean;
  /** The next hydration in its hash bucket's list (the hlist_node). */
  declare hashNext: RegionHydration | null;
  /** The struct clone it belongs to (hd->clone). */
  declare readonly owner: unknown;
  declare readonly regionNr: number;

  constructor(owner: unknown, regionNr: number, now: number) {
    this.overwriteBio = null;
    this.overwriteBioEndIo = null;
    this.overwriteBioPrivate = null;
    this.deferredBios = null;
    this.status = null;
    this.batch = null;
    this.startedAt = now;
    this.forWrite = false;
    this.hashNext = null;
    this.owner = owner;
    this.regionNr = regionNr;
  }

  /** A bio waits for the region (bio_list_add on hd->deferred_bios). */
  defer(bio: Bio): void {
    if (this.deferredBios === null) this.deferredBios = [bio];
    else this.deferredBios.push(bio);
  }

  /** A region joins this batch (list_add_tail on the head's list). */
  addToBatch(hd: RegionHydration): void {
    if (this.batch === null) this.batch = [hd];
    else this.batch.push(hd);
  }
}
