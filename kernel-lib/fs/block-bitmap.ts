// The in-use blocks of a file system (all groups' block bitmaps at once) as sorted, disjoint
// [start, end) runs: a streaming writer keeps the set at a few runs per group, so finding
// the next free block after a goal is a binary search, not a bit scan.

export class BlockBitmap {
  private starts: number[] = [];
  private ends: number[] = [];
  used = 0;

  /** Index of the first run whose end is > x. */
  private after(x: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  isUsed(b: number): boolean {
    const i = this.after(b);
    return i < this.starts.length && this.starts[i] <= b;
  }

  /** The first free block in [from, end), or -1. */
  firstFree(from: number, end: number): number {
    const i = this.after(from);
    let b = from;
    if (i < this.starts.length && this.starts[i] <= b) b = this.ends[i];
    return b < end ? b : -1;
  }

  /** Length of the free run starting at free block b, capped at `max` and at `end`. */
  freeRun(b: number, max: number, end: number): number {
    const i = this.after(b);
    const next = i < this.starts.length ? this.starts[i] : Infinity;
    return Math.max(0, Math.min(next, end, b + max) - b);
  }

  /** Blocks in use within [s, e). */
  usedIn(s: number, e: number): number {
    let n = 0;
    for (let i = this.after(s); i < this.starts.length && this.starts[i] < e; i++) n += Math.min(this.ends[i], e) - Math.max(this.starts[i], s);
    return n;
  }

  mark(s: number, e: number): void {
    if (e <= s) return;
    const before = this.usedIn(s, e);
    let i = this.after(s - 1);
    let ns = s;
    let ne = e;
    let j = i;
    while (j < this.starts.length && this.starts[j] <= e) {
      ns = Math.min(ns, this.starts[j]);
      ne = Math.max(ne, this.ends[j]);
      j++;
    }
    this.starts.splice(i, j - i, ns);
    this.ends.splice(i, j - i, ne);
    this.used += e - s - before;
  }

  clear(s: number, e: number): void {
    if (e <= s) return;
    const removed = this.usedIn(s, e);
    const starts = this.starts;
    const ends = this.ends;
    let i = this.after(s);
    while (i < starts.length && starts[i] < e) {
      if (starts[i] < s && ends[i] > e) {
        starts.splice(i + 1, 0, e);
        ends.splice(i + 1, 0, ends[i]);
        ends[i] = s;
        break;
      }
      if (starts[i] < s) {
        ends[i] = s;
        i++;
      } else if (ends[i] > e) {
        starts[i] = e;
        break;
      } else {
        starts.splice(i, 1);
        ends.splice(i, 1);
      }
    }
    this.used -= removed;
  }
}
