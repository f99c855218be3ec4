// A map from non-negative integer keys to values, with Map's semantics for get, set (a key set
// again replaces its value), has and delete, for the tables a model touches on every I/O: the
// elevator's request hash (elv_rqhash_add/del/find), a drive cache's extents by end, VDO's
// block map, block contents, dedupe-index records, tree pages and LBN/hash locks.
//
// Why not Map: a queue of depth 1 takes its one entry in and out on every I/O, and V8's
// Map.delete reallocates the table each time it goes empty (OrderedHashMap::Shrink), which
// showed in profiles of every dm model as allocation and runtime calls per I/O. Here the
// table is open addressing with linear probing and backward-shift deletion (no tombstones),
// so the steady state allocates nothing; it only grows. A large table (VDO's million-entry
// block map) grows by doubling without the rehash garbage a growing Map leaves behind.
// No iteration order: nothing that uses it iterates.

/** Keys are integers in [0, 2^53); -1 marks an empty slot. */
const EMPTY = -1;

export class NumberMap<V> {
  private keys: Float64Array;
  private vals: (V | undefined)[];
  private mask: number;
  private count = 0;

  constructor(capacity = 16) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Float64Array(cap).fill(EMPTY);
    this.vals = new Array(cap).fill(undefined);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  get(key: number): V | undefined {
    const keys = this.keys;
    const mask = this.mask;
    for (let i = slotOf(key, mask); ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === key) return this.vals[i];
      if (k === EMPTY) return undefined;
    }
  }

  has(key: number): boolean {
    const keys = this.keys;
    const mask = this.mask;
    for (let i = slotOf(key, mask); ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === key) return true;
      if (k === EMPTY) return false;
    }
  }

  /** The value of `key`, or `missing` when it has none (no undefined to test at the caller). */
  getOr(key: number, missing: V): V {
    const keys = this.keys;
    const mask = this.mask;
    for (let i = slotOf(key, mask); ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === key) return this.vals[i] as V;
      if (k === EMPTY) return missing;
    }
  }

  set(key: number, value: V): void {
    if (!(key >= 0)) throw new RangeError(`NumberMap key must be a non-negative integer, got ${key}`);
    const keys = this.keys;
    const mask = this.mask;
    let i = slotOf(key, mask);
    for (; ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === key) {
        this.vals[i] = value;
        return;
      }
      if (k === EMPTY) break;
    }
    keys[i] = key;
    this.vals[i] = value;
    // At most half full: probes stay short.
    if (++this.count * 2 > mask + 1) this.grow();
  }

  /** Removes the key's entry; true if there was one. */
  delete(key: number): boolean {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = slotOf(key, mask);
    for (; ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === key) break;
      if (k === EMPTY) return false;
    }
    // Backward-shift deletion: pull each later entry of the probe run into the hole when its
    // home slot does not lie (cyclically) between the hole and where it sits.
    let hole = i;
    for (let j = (i + 1) & mask; keys[j] !== EMPTY; j = (j + 1) & mask) {
      const home = slotOf(keys[j], mask);
      const between = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (between) continue;
      keys[hole] = keys[j];
      vals[hole] = vals[j];
      hole = j;
    }
    keys[hole] = EMPTY;
    vals[hole] = undefined;
    this.count--;
    return true;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const cap = oldKeys.length * 2;
    this.keys = new Float64Array(cap).fill(EMPTY);
    this.vals = new Array(cap).fill(undefined);
    this.mask = cap - 1;
    const keys = this.keys;
    const mask = this.mask;
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j];
      if (k === EMPTY) continue;
      let i = slotOf(k, mask);
      while (keys[i] !== EMPTY) i = (i + 1) & mask;
      keys[i] = k;
      this.vals[i] = oldVals[j];
    }
  }
}

/** Home slot of a key: its low and high 32 bits mixed (Fibonacci hashing), then masked. */
function slotOf(key: number, mask: number): number {
  const lo = key >>> 0;
  const hi = (key / 4294967296) >>> 0;
  const h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
  return (h ^ (h >>> 15)) & mask;
}
