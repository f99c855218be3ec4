// struct btree_node as dm-btree lays it out in a 4 KiB block: a 32-byte header (csum, flags,
// blocknr, nr_entries, max_entries, value_size, padding), then max_entries 64-bit keys, then
// max_entries values. Keys and values are kept as arrays; max_entries is the kernel's.
import type { BlockData } from './block-data.js';

export const NODE_HEADER_BYTES = 32;
export const INTERNAL_NODE = 1;
export const LEAF_NODE = 1 << 1;

/**
 * calc_max_entries: as many key+value pairs as fit after the header, rounded down to a
 * multiple of 3 ("this works more nicely for repeated insert remove loops than 2n + 1").
 * 4 KiB blocks with 8-byte values: 252.
 */
export function calcMaxEntries(valueSize: number, blockSize: number): number {
  const total = Math.floor((blockSize - NODE_HEADER_BYTES) / (8 + valueSize));
  return 3 * Math.floor(total / 3);
}

export class BtreeNode implements BlockData {
  readonly kind = 'btree-node';
  constructor(
    public flags: number,
    public maxEntries: number,
    public valueSize: number,
    public keys: number[] = [],
    /** Child block numbers in an internal node, the values in a leaf. */
    public values: unknown[] = [],
  ) {}

  get nrEntries(): number {
    return this.keys.length;
  }

  get isLeaf(): boolean {
    return (this.flags & LEAF_NODE) !== 0;
  }

  clone(): BtreeNode {
    return new BtreeNode(this.flags, this.maxEntries, this.valueSize, this.keys.slice(), this.values.slice());
  }

  /** value64: a child pointer of an internal node. */
  child(i: number): number {
    return this.values[i] as number;
  }
}

/** lower_bound: index of the last key <= key, or -1 (bsearch with want_hi = 0). */
export function lowerBound(n: BtreeNode, key: number): number {
  let lo = -1;
  let hi = n.keys.length;
  while (hi - lo > 1) {
    const mid = lo + ((hi - lo) >> 1);
    const k = n.keys[mid];
    if (k === key) return mid;
    if (k < key) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** insert_at */
export function insertAt(n: BtreeNode, index: number, key: number, value: unknown): void {
  if (index > n.keys.length || index >= n.maxEntries || n.keys.length >= n.maxEntries) {
    throw new Error(`too many entries in btree node for insert (${n.keys.length}/${n.maxEntries} at ${index})`);
  }
  // array_insert: memmove the tail up one slot, then store. A loop rather than splice, which
  // builds a result array on every call and is several times slower on a node's arrays.
  const keys = n.keys;
  const values = n.values;
  let j = keys.length;
  keys.push(key);
  values.push(value);
  for (; j > index; j--) {
    keys[j] = keys[j - 1];
    values[j] = values[j - 1];
  }
  keys[index] = key;
  values[index] = value;
}
