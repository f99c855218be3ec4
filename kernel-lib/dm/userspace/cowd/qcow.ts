// The qcow (version 1) image as cowd's qcow plugin reads and grows it, after qemu's
// block-qcow.c of 2006: a header, the L1 table right after it (kept in memory once read),
// and L2 tables of one cluster each (2^(cluster_bits - 3) 8-byte entries), cached in memory
// (L2_CACHE_SIZE of them, least recently used out). New L2 tables and new data clusters are
// appended at the end of the file, cluster-aligned. All of it is a file on a loop device:
// its I/O goes through that device's page cache (reads of L2 tables not cached, writes
// dirtying the cache) and the loop device below.
import type { PageCache } from '../../../block/page-cache.js';
import type { Thread } from '../../../sim/cpu.js';
import type { ProcessGenerator } from '../../../sim/index.js';

/** sizeof(QCowHeader) (48) plus a backing file name, rounded to 8 (l1_table_offset) [R for the name's length]. */
export const QCOW_HEADER_BYTES = 64;

export type Lookup = { kind: 'mapped'; cluster: number } | { kind: 'unallocated' } | { kind: 'allocated'; cluster: number };

export class QcowImage {
  readonly l2Entries: number;
  readonly l1: Float64Array;
  /** Every L2 table's entries (cluster byte offsets, 0 = none), by the table's offset. */
  private readonly l2Tables = new Map<number, Float64Array>();
  /** cowd's L2 cache: table offsets, least recently used first. */
  private readonly l2Cache = new Set<number>();
  /** End of the file, bytes (where the next table or cluster goes). */
  fileEnd: number;
  readonly counters = { l2Hits: 0, l2Misses: 0, l2Allocated: 0, clustersAllocated: 0 };

  constructor(
    readonly cache: PageCache,
    readonly clusterBytes: number,
    /** Clusters of the virtual disk. */
    readonly virtualClusters: number,
    readonly l2CacheSize: number,
  ) {
    this.l2Entries = clusterBytes / 8;
    this.l1 = new Float64Array(Math.ceil(virtualClusters / this.l2Entries));
    this.fileEnd = this.align(QCOW_HEADER_BYTES + this.l1.length * 8);
  }

  private align(bytes: number): number {
    return Math.ceil(bytes / this.clusterBytes) * this.clusterBytes;
  }

  /** Bytes the image needs for `clusters` data clusters and their tables, at most. */
  bytesFor(clusters: number): number {
    return this.fileEnd + (clusters + Math.ceil(clusters / this.l2Entries) + 1) * this.clusterBytes;
  }

  /** qcow_open: the header and the L1 table. */
  *open(thread: Thread | null): ProcessGenerator<void> {
    yield* this.cache.read(thread, 0, QCOW_HEADER_BYTES + this.l1.length * 8);
  }

  /** get_cluster_offset: where a cluster lives; with `allocate`, a new one when there is none. */
  *lookup(cluster: number, allocate: boolean, thread: Thread | null): ProcessGenerator<Lookup> {
    const i1 = Math.floor(cluster / this.l2Entries);
    const i2 = cluster % this.l2Entries;
    let l2 = this.l1[i1];
    if (l2 === 0) {
      if (!allocate) return { kind: 'unallocated' };
      // A new L2 table at the end of the file, zeroed, and its L1 entry.
      l2 = this.fileEnd;
      this.fileEnd += this.clusterBytes;
      this.l1[i1] = l2;
      this.l2Tables.set(l2, new Float64Array(this.l2Entries));
      this.counters.l2Allocated++;
      yield* this.cache.write(thread, l2, this.clusterBytes);
      yield* this.cache.write(thread, QCOW_HEADER_BYTES + i1 * 8, 8);
      this.touch(l2);
    } else if (this.l2Cache.has(l2)) {
      this.counters.l2Hits++;
      this.touch(l2);
    } else {
      this.counters.l2Misses++;
      yield* this.cache.read(thread, l2, this.clusterBytes);
      this.touch(l2);
    }
    const table = this.l2Tables.get(l2)!;
    if (table[i2] !== 0) return { kind: 'mapped', cluster: table[i2] / this.clusterBytes };
    if (!allocate) return { kind: 'unallocated' };
    const off = this.fileEnd;
    this.fileEnd += this.clusterBytes;
    table[i2] = off;
    this.counters.clustersAllocated++;
    yield* this.cache.write(thread, l2 + i2 * 8, 8);
    return { kind: 'allocated', cluster: off / this.clusterBytes };
  }

  private touch(l2: number): void {
    this.l2Cache.delete(l2);
    this.l2Cache.add(l2);
    if (this.l2Cache.size > this.l2CacheSize) this.l2Cache.delete(this.l2Cache.values().next().value as number);
  }
}
