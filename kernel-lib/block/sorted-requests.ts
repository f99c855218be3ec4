// The schedulers' sort order (their rb-trees), as a sorted array: n <= nr_requests, so
// binary search plus splice beats a tree here.
import type { Request } from './request.js';

/** Requests kept sorted by start sector (the schedulers' rb-tree, as a sorted array: n <= nr_requests). */
export class SortedRequests {
  readonly items: Request[] = [];

  get length(): number {
    return this.items.length;
  }

  insert(rq: Request): void {
    const i = this.lowerBound(rq.sector);
    // Equal sectors keep arrival order: insert after the last equal one.
    let j = i;
    while (j < this.items.length && this.items[j].sector === rq.sector) j++;
    this.items.splice(j, 0, rq);
  }

  remove(rq: Request): void {
    const i = this.items.indexOf(rq);
    if (i >= 0) this.items.splice(i, 1);
  }

  /** The request sorted after rq (elv_latter_request), or null. */
  after(rq: Request): Request | null {
    const i = this.items.indexOf(rq);
    return i >= 0 && i + 1 < this.items.length ? this.items[i + 1] : null;
  }

  /** First request starting at or after `sector`, or null. */
  atOrAfter(sector: number): Request | null {
    const i = this.lowerBound(sector);
    return i < this.items.length ? this.items[i] : null;
  }

  first(): Request | null {
    return this.items.length > 0 ? this.items[0] : null;
  }

  private lowerBound(sector: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid].sector < sector) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Removes one element from an array in place (FIFO lists of a few hundred at most). */
export function removeFrom<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
