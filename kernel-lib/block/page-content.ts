// What the pages of a page cache hold, for the models that look at data (dm-dedup, VDO):
// a buffered write copies the user's buffer into the page (copy_page_from_iter), and
// writeback later sends that page, so the writeback bio carries the bytes the writer wrote.
// The simulated pages have no bytes; the content is described instead (bio-payload.ts), per
// 4 KiB page, as runs of pages with one payload each. A page not in any run holds unique
// data (a write that described nothing: fio's default random buffers, dd from /dev/urandom).
// A sequential writer of one payload (dd if=/dev/zero) keeps it at one run.
import type { Bio, BioPayload } from './bio.js';
import { payloadFingerprint, setBioPayload } from './bio-payload.js';

// A page (4 KiB, PAGE_SECTORS) is one content block (CONTENT_BLOCK_SECTORS): the writeback
// bio's block i is its page i.

export class PageContent {
  /** Sorted, disjoint runs [starts[i], ends[i]) of pages; page p of run i holds payloads[i]'s block blocks[i] + (p - starts[i]). */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly payloads: BioPayload[] = [];
  private readonly blocks: number[] = [];

  /** Runs kept (a test's view of how compact the description stays). */
  get runs(): number {
    return this.starts.length;
  }

  /**
   * Pages [first, end) now hold `payload` from its block `block` on, or unique data (null):
   * what a buffered write of that buffer leaves in them.
   */
  set(first: number, end: number, payload: BioPayload | null, block = 0): void {
    if (end <= first) return;
    if (payload === null && this.starts.length === 0) return;
    const starts = this.starts;
    const ends = this.ends;
    let i = this.firstEndingAfter(first);
    // A run that starts before `first` keeps its head; one that also passes `end` keeps its tail.
    if (i < starts.length && starts[i] < first) {
      if (ends[i] > end) this.insert(i + 1, end, ends[i], this.payloads[i], this.blocks[i] + (end - starts[i]));
      ends[i] = first;
      i++;
    }
    let j = i;
    while (j < starts.length && ends[j] <= end) j++;
    if (j < starts.length && starts[j] < end) {
      this.blocks[j] += end - starts[j];
      starts[j] = end;
    }
    this.remove(i, j - i);
    if (payload === null) return;
    // Extend the run before when this continues it (same buffer, next block).
    const prev = i - 1;
    if (prev >= 0 && ends[prev] === first && this.payloads[prev] === payload && (payload.blocks === 'same' || this.blocks[prev] + (first - starts[prev]) === block)) {
      ends[prev] = end;
      return;
    }
    this.insert(i, first, end, payload, block);
  }

  /**
   * Gives a writeback bio of `pages` pages from page `first` what those pages hold: one run's
   * payload when a run covers them all, a listed payload when they differ, nothing when every
   * page holds unique data.
   */
  describe(bio: Bio, first: number, pages: number): void {
    if (this.starts.length === 0) return;
    const end = first + pages;
    const i = this.firstEndingAfter(first);
    if (i >= this.starts.length || this.starts[i] >= end) return;
    if (this.starts[i] <= first && this.ends[i] >= end) {
      setBioPayload(bio, this.payloads[i], this.blocks[i] + (first - this.starts[i]));
      return;
    }
    const fingerprints: (number | null)[] = [];
    let compress = 0;
    for (let p = first, k = i; p < end; p++) {
      while (k < this.starts.length && this.ends[k] <= p) k++;
      if (k < this.starts.length && this.starts[k] <= p) {
        const payload = this.payloads[k];
        fingerprints.push(payloadFingerprint(payload, this.blocks[k] + (p - this.starts[k])));
        compress += payload.compressPercentage;
      } else fingerprints.push(null); // unique data
    }
    setBioPayload(bio, { fingerprint: fingerprints[0] ?? NaN, blocks: 'listed', fingerprints, compressPercentage: compress / pages });
  }

  /** Index of the first run that ends after page p. */
  private firstEndingAfter(p: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] <= p) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insert(i: number, start: number, end: number, payload: BioPayload, block: number): void {
    this.starts.splice(i, 0, start);
    this.ends.splice(i, 0, end);
    this.payloads.splice(i, 0, payload);
    this.blocks.splice(i, 0, block);
  }

  private remove(i: number, n: number): void {
    if (n <= 0) return;
    this.starts.splice(i, n);
    this.ends.splice(i, n);
    this.payloads.splice(i, n);
    this.blocks.splice(i, n);
  }
}
