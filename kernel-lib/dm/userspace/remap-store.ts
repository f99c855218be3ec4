// Where a dmu_device keeps its remaps, as one interface for the two designs of 2006: the
// hash table of the measured version (remap-hash.ts) and the linear store before it
// (remap-list.ts). A lookup reports how many remaps it looked at (`visits`), which is what
// its CPU cost is made of.
import type { DmuMap } from './remap.js';

export interface RemapStore {
  /** ht_find_map without the MRU move: the first remap of `block`, or null. Sets `visits`. */
  find(block: number): DmuMap | null;
  /** Remaps looked at by the last find. */
  readonly visits: number;
  /** ht_insert_map; returns the CPU ns a synchronous rehash took (0 without one). */
  insert(map: DmuMap, nodeNs: { rehashNs: number; bucketInitNs: number }): number;
  /** ht_delete_map */
  delete(map: DmuMap): void;
  /** Remaps stored. */
  readonly count: number;
}

/** A list walk from the head for `block` (a hash chain, or the whole list store); `into.visits` gets the remaps looked at. */
export function walk(chain: readonly DmuMap[], block: number, into: { visits: number }): DmuMap | null {
  for (let i = 0; i < chain.length; i++) {
    if (chain[i].orgBlock === block) {
      into.visits = i + 1;
      return chain[i];
    }
  }
  into.visits = chain.length;
  return null;
}
