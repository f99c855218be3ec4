// The schedulers' request lists: the sort order (their rb-trees) and the FIFOs, as arrays
// (n <= nr_requests, so binary search plus moving elements by one beats a tree here).
import type { Request } from './request.js';

/**
 * An array of requests that inserts and removes by moving whichever side of the position is
 * shorter. The schedulers take requests near the front (the oldest one; the next sector
 * after the last dispatched) and add them near the back (requests arrive in time order, and
 * a stream in ascending sector order), so a plain array, moving everything after the
 * position, moved almost the whole list on every dispatch. Elements are moved by hand rather
 * than with splice(), which allocates the array of removed elements on every call.
 * The live elements are items[head, items.length).
 */
export class RequestList {
  private items: (Request | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** The i-th request (0 <= i < length). */
  at(i: number): Request {
    return this.items[this.head + i] as Request;
  }

  push(rq: Request): void {
    this.items.push(rq);
  }

  indexOf(rq: Request): number {
    const i = this.items.indexOf(rq, this.head);
    return i < 0 ? -1 : i - this.head;
  }

  /** Inserts rq so that it becomes the i-th request (0 <= i <= length). */
  insertAt(i: number, rq: Request): void {
    const items = this.items;
    const h = this.head;
    if (h > 0 && i < (items.length - h) >> 1) {
      // Move the i requests before the position one place to the front.
      for (let k = h - 1; k < h - 1 + i; k++) items[k] = items[k + 1];
      items[h - 1 + i] = rq;
      this.head = h - 1;
      return;
    }
    let k = items.length;
    items.push(rq);
    for (const p = h + i; k > p; k--) items[k] = items[k - 1];
    items[h + i] = rq;
  }

  removeAt(i: number): void {
    const items = this.items;
    const h = this.head;
    const n = items.length - h;
    if (i < n >> 1) {
      // Move the i requests before it one place to the back, and drop the first slot.
      for (let k = h + i; k > h; k--) items[k] = items[k - 1];
      items[h] = undefined;
      this.head = h + 1;
      // Keep the dead prefix at most as long as the list (amortized O(1) per removal).
      if (this.head > 16 && this.head > n) this.compact();
      return;
    }
    const last = items.length - 1;
    for (let k = h + i; k < last; k++) items[k] = items[k + 1];
    items.pop();
  }

  /** Removes the first occurrence of rq, if any. */
  remove(rq: Request): void {
    const i = this.indexOf(rq);
    if (i >= 0) this.removeAt(i);
  }

  private compact(): void {
    const items = this.items;
    const h = this.head;
    const n = items.length - h;
    for (let k = 0; k < n; k++) items[k] = items[h + k];
    items.length = n;
    this.head = 0;
  }
}

/** Requests kept sorted by start sector (the schedulers' rb-tree, as a sorted array: n <= nr_requests). */
export class SortedRequests {
  private readonly list = new RequestList();

  get length(): number {
    return this.list.length;
  }

  insert(rq: Request): void {
    const list = this.list;
    const i = this.lowerBound(rq.sector);
    // Equal sectors keep arrival order: insert after the last equal one.
    let j = i;
    while (j < list.length && list.at(j).sector === rq.sector) j++;
    list.insertAt(j, rq);
  }

  remove(rq: Request): void {
    // Binary search among the equal sectors first; a request whose sector changed since it
    // was inserted (a front merge, before repositioning) is found by a linear search.
    const list = this.list;
    let i = this.lowerBound(rq.sector);
    while (i < list.length && list.at(i) !== rq && list.at(i).sector === rq.sector) i++;
    if (i >= list.length || list.at(i) !== rq) i = list.indexOf(rq);
    if (i >= 0) list.removeAt(i);
  }

  /** The request sorted after rq (elv_latter_request), or null. */
  after(rq: Request): Request | null {
    const i = this.list.indexOf(rq);
    return i >= 0 && i + 1 < this.list.length ? this.list.at(i + 1) : null;
  }

  /** First request starting at or after `sector`, or null. */
  atOrAfter(sector: number): Request | null {
    const i = this.lowerBound(sector);
    return i < this.list.length ? this.list.at(i) : null;
  }

  first(): Request | null {
    return this.list.length > 0 ? this.list.at(0) : null;
  }

  private lowerBound(sector: number): number {
    const list = this.list;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list.at(mid).sector < sector) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
