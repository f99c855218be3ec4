// A set of page (or block) numbers kept as sorted, disjoint, non-adjacent [start, end) runs:
// the page cache's dirty and cached sets, a file system's used blocks. A sequential writer keeps it at one run, so dirtying a
// gigabyte costs a few thousand operations, not a quarter million.

export class ExtentSet {
  private starts: number[] = [];
  private ends: number[] = [];
  /** Pages in the set. */
  size = 0;

  get runs(): number {
    return this.starts.length;
  }

  /** Adds [s, e); returns how many pages were not already in the set. */
  add(s: number, e: number): number {
    if (e <= s) return 0;
    const starts = this.starts;
    const ends = this.ends;
    // First run that ends at or after s (could touch or overlap).
    let i = this.firstEndingAtOrAfter(s);
    let ns = s;
    let ne = e;
    let covered = 0;
    let j = i;
    while (j < starts.length && starts[j] <= e) {
      covered += Math.min(ends[j], e) - Math.max(starts[j], s) > 0 ? Math.min(ends[j], e) - Math.max(starts[j], s) : 0;
      if (starts[j] < ns) ns = starts[j];
      if (ends[j] > ne) ne = ends[j];
      j++;
    }
    starts.splice(i, j - i, ns);
    ends.splice(i, j - i, ne);
    const added = e - s - covered;
    this.size += added;
    return added;
  }

  /** Whether every page of [s, e) is in the set. */
  covers(s: number, e: number): boolean {
    const i = this.firstEndingAtOrAfter(s + 1);
    return i < this.starts.length && this.starts[i] <= s && this.ends[i] >= e;
  }

  /**
   * Removes and returns the first run at or after `from` (wrapping to the lowest run),
   * cut to at most `max` pages: the writeback cursor's next contiguous chunk.
   */
  takeFrom(from: number, max: number): [number, number] | null {
    if (this.starts.length === 0) return null;
    // The first run with pages at or after `from`, else wrap to the lowest run.
    const i = this.firstEndingAtOrAfter(from + 1);
    const start = i < this.starts.length ? Math.max(this.starts[i], from) : this.starts[0];
    const runEnd = i < this.starts.length ? this.ends[i] : this.ends[0];
    const end = Math.min(runEnd, start + max);
    this.remove(start, end);
    return [start, end];
  }

  /** Removes [s, e) from the set. */
  remove(s: number, e: number): number {
    const starts = this.starts;
    const ends = this.ends;
    let i = this.firstEndingAtOrAfter(s + 1);
    let removed = 0;
    while (i < starts.length && starts[i] < e) {
      const a = Math.max(starts[i], s);
      const b = Math.min(ends[i], e);
      removed += b - a;
      if (starts[i] < s && ends[i] > e) {
        // Split the run in two.
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
    this.size -= removed;
    return removed;
  }

  /** Members in [s, e). */
  countIn(s: number, e: number): number {
    let n = 0;
    for (let i = this.firstEndingAtOrAfter(s + 1); i < this.starts.length && this.starts[i] < e; i++) n += Math.min(this.ends[i], e) - Math.max(this.starts[i], s);
    return n;
  }

  /** The first number >= x not in the set (runs are never adjacent, so it ends x's run). */
  firstAbsent(x: number): number {
    const i = this.firstEndingAtOrAfter(x + 1);
    return i < this.starts.length && this.starts[i] <= x ? this.ends[i] : x;
  }

  /** The first member >= x, or Infinity. */
  firstPresent(x: number): number {
    const i = this.firstEndingAtOrAfter(x + 1);
    return i < this.starts.length ? Math.max(this.starts[i], x) : Infinity;
  }

  clear(): void {
    this.starts = [];
    this.ends = [];
    this.size = 0;
  }

  private firstEndingAtOrAfter(x: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
