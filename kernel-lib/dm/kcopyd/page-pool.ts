// A kcopyd client's pages (kcopyd_get_pages / kcopyd_put_pages). Pages carry no data in the
// simulation; only how many a job holds matters, because a job that cannot get all of its
// pages blocks the pages list (run_pages_job returns 1).
// - `hard` (2.6.x): exactly the nr_pages the client preallocated; all or nothing, no
//   fallback. dm-snapshot passes SNAPSHOT_PAGES = 256, so at most 256 / 16 = 16 old 64 KiB
//   sub-jobs (or 128 8 KiB chunk copies) hold pages at once.
// - `reserve` (modern): alloc_page(__GFP_NORETRY...) first, the reserve list only when that
//   fails; put_pages refills the reserve up to nr_reserved_pages and frees the rest. Without
//   memory pressure the allocator always succeeds.
import type { PagePoolKind } from './params.js';

export const PAGE_SECTORS = 8;

export class PagePool {
  /** Pages on the client's free list (the hard pool, or the reserve). */
  free: number;
  /** Pages held by jobs now. */
  inUse = 0;
  /** Highest number of pages held at once. */
  maxInUse = 0;
  /** Times a job found too few pages (and was requeued). */
  starvations = 0;

  constructor(
    readonly kind: PagePoolKind,
    /** nr_pages (hard) or nr_reserved_pages (reserve). */
    readonly reserved: number,
    /** Whether the page allocator fails (reserve only). */
    readonly allocatorFails: boolean,
  ) {
    this.free = reserved;
  }

  /** Pages for `sectors` of data: ceil(sectors / 8). */
  static pagesFor(sectors: number): number {
    return Math.ceil(sectors / PAGE_SECTORS);
  }

  /** kcopyd_get_pages: all `n` pages or none. */
  get(n: number): boolean {
    if (this.kind === 'reserve' && !this.allocatorFails) {
      // The allocator served every page; the reserve is untouched.
    } else if (this.free >= n) {
      this.free -= n;
    } else {
      this.starvations++;
      return false;
    }
    this.inUse += n;
    if (this.inUse > this.maxInUse) this.maxInUse = this.inUse;
    return true;
  }

  /** kcopyd_put_pages: back to the free list (the reserve keeps at most `reserved`). */
  put(n: number): void {
    this.inUse -= n;
    if (this.kind === 'hard') this.free += n;
    else this.free = Math.min(this.reserved, this.free + n);
  }
}
