// A map from non-negative integer keys (below 2^53: block numbers, LBNs, record names) to
// numbers, for VDO's large tables (the block map's mappings, what each block holds, the dedupe
// index's records, the forest's pages). A JavaScript Map of a million entries grows by
// rehashing into a new table of its own (allocation the collector then has to copy), and a
// fingerprint above 2^31 is a heap number in it; here keys and values sit in two typed arrays
// that the collector never scans, probed linearly from a multiplicative hash of the key
// (open addressing), half full at most, and a deletion shifts the probe run back (no
// tombstones), so a table that keeps changing stays as fast as a new one.
// No iteration order (nothing in VDO iterates these tables).

/** A free slot's key (keys are never negative). */
const EMPTY = -1;

export class NumberMap {
  private keys: Float64Array;
  private values: Float64Array;
  private mask: number;
  /** log2 of the slot count, for the hash's top bits. */
  private bits: number;
  size = 0;

  constructor(expected = 16) {
    let bits = 4;
    while (1 << bits < expected * 2) bits++;
    this.bits = bits;
    this.mask = (1 << bits) - 1;
    this.keys = new Float64Array(1 << bits).fill(EMPTY);
    this.values = new Float64Array(1 << bits);
  }

  /** The home slot of `key`: the low and high 32 bits mixed, Fibonacci hashing on the top bits. */
  private slot(key: number): number {
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> (32 - this.bits);
  }

  private find(key: number): number {
    const keys = this.keys;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = keys[i];
      if (k === key) return i;
      if (k === EMPTY) return -1;
    }
  }

  has(key: number): boolean {
    return this.find(key) >= 0;
  }

  get(key: number): number | undefined {
    const i = this.find(key);
    return i >= 0 ? this.values[i] : undefined;
  }

  /** The value of `key`, or `missing` when it has none. */
  getOr(key: number, missing: number): number {
    const i = this.find(key);
    return i >= 0 ? this.values[i] : missing;
  }

  set(key: number, value: number): void {
    const keys = this.keys;
    let i = this.slot(key);
    for (; ; i = (i + 1) & this.mask) {
      const k = keys[i];
      if (k === key) {
        this.values[i] = value;
        return;
      }
      if (k === EMPTY) break;
    }
    keys[i] = key;
    this.values[i] = value;
    if (++this.size * 2 > keys.length) this.grow();
  }

  delete(key: number): boolean {
    let i = this.find(key);
    if (i < 0) return false;
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    // Backward-shift deletion: every later key of the run whose home is not between the hole
    // and itself moves into the hole.
    for (let j = (i + 1) & mask; keys[j] !== EMPTY; j = (j + 1) & mask) {
      const home = this.slot(keys[j]);
      if (((j - home) & mask) >= ((j - i) & mask)) {
        keys[i] = keys[j];
        values[i] = values[j];
        i = j;
      }
    }
    keys[i] = EMPTY;
    this.size--;
    return true;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.bits++;
    this.mask = (1 << this.bits) - 1;
    this.keys = new Float64Array(1 << this.bits).fill(EMPTY);
    this.values = new Float64Array(1 << this.bits);
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i];
      if (k === EMPTY) continue;
      let j = this.slot(k);
      while (this.keys[j] !== EMPTY) j = (j + 1) & this.mask;
      this.keys[j] = k;
      this.values[j] = oldValues[i];
    }
  }
}
