// The remap hash table of the measured dm-userspace (struct hash_table): 2048 buckets to
// start, hash = block & mask, chains appended at the tail, and a synchronous rehash into
// twice the buckets, inside the insert, as soon as more than half as many remaps as buckets
// are stored (ht_should_grow: count > 2 * (size / 4)).
import type { DmuMap } from './remap.js';
import { walk, type RemapStore } from './remap-store.js';

export const DMU_HASH_INITIAL_BUCKETS = 2048;

export class RemapHashTable implements RemapStore {
  buckets: DmuMap[][];
  mask: number;
  count = 0;
  visits = 0;
  /** Times the table doubled. */
  grows = 0;

  constructor(size = DMU_HASH_INITIAL_BUCKETS) {
    this.buckets = Array.from({ length: size }, () => []);
    this.mask = size - 1;
  }

  get size(): number {
    return this.buckets.length;
  }

  find(block: number): DmuMap | null {
    return walk(this.buckets[block & this.mask], block, this);
  }


  insert(map: DmuMap, costs: { rehashNs: number; bucketInitNs: number }): number {
    this.buckets[map.orgBlock & this.mask].push(map);
    this.count++;
    if (this.count > 2 * Math.floor(this.size / 4)) return this.grow(costs);
    return 0;
  }

  /** ht_grow_table: a table of twice the buckets, every remap re-inserted bucket by bucket. */
  private grow(costs: { rehashNs: number; bucketInitNs: number }): number {
    const old = this.buckets;
    const size = old.length * 2;
    this.buckets = Array.from({ length: size }, () => []);
    this.mask = size - 1;
    this.grows++;
    for (const chain of old) for (const m of chain) this.buckets[m.orgBlock & this.mask].push(m);
    return size * costs.bucketInitNs + this.count * costs.rehashNs;
  }

  delete(map: DmuMap): void {
    const chain = this.buckets[map.orgBlock & this.mask];
    const i = chain.indexOf(map);
    if (i < 0) return;
    chain.splice(i, 1);
    this.count--;
  }
}
