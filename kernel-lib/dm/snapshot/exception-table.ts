// The complete and pending exception tables. The kernel hashes chunks into buckets (complete:
// (chunk >> 8) & mask, cow_size / chunk buckets capped at 2 MiB of heads, minimum 64; pending:
// chunk & mask, an eighth of that, minimum 64). Lookup time is in costs.ts; the bucket count
// only matters for which operations share a bucket lock (locking.ts), so the tables here are
// plain maps keyed by origin chunk.
import type { PendingException } from './pending-exception.js';

/** calc_max_buckets: 2 MiB of 8-byte bucket heads. */
const MAX_BUCKETS = (2 * 1024 * 1024) / 8;

/** Bucket counts of the complete and pending tables for a COW device of `cowChunks` chunks. */
export function bucketCounts(cowChunks: number): { complete: number; pending: number } {
  let complete = Math.max(64, Math.min(cowChunks, MAX_BUCKETS));
  complete = 2 ** Math.floor(Math.log2(complete));
  const pending = Math.max(64, complete >> 3);
  return { complete, pending };
}

/** The complete table: origin chunk -> COW chunk (struct dm_exception). */
export class CompleteTable {
  private readonly map = new Map<number, number>();

  get size(): number {
    return this.map.size;
  }

  lookup(chunk: number): number | undefined {
    return this.map.get(chunk);
  }

  insert(oldChunk: number, newChunk: number): void {
    this.map.set(oldChunk, newChunk);
  }
}

/** The pending table: origin chunk -> in-flight exception. */
export class PendingTable {
  private readonly map = new Map<number, PendingException>();
  /** Highest number of exceptions pending at once. */
  maxSize = 0;

  get size(): number {
    return this.map.size;
  }

  lookup(chunk: number): PendingException | undefined {
    return this.map.get(chunk);
  }

  insert(pe: PendingException): void {
    this.map.set(pe.oldChunk, pe);
    if (this.map.size > this.maxSize) this.maxSize = this.map.size;
  }

  remove(pe: PendingException): void {
    if (this.map.get(pe.oldChunk) === pe) this.map.delete(pe.oldChunk);
  }
}
