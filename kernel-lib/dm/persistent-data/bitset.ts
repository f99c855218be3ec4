// dm-bitset.c: bits in a dm-array of 64-bit words. Like the kernel it caches one word (the
// last one touched): setting bits in the same word costs no metadata access; moving to another
// word, or dm_bitset_flush, writes the cached word back if it changed.
import type { ProcessGenerator } from '../../sim/index.js';
import { DmArray } from './array.js';
import { NOT_NOW, type DmBtree } from './btree.js';
import type { DmTransactionManager } from './transaction-manager.js';

const BITS_PER_WORD = 64;

/** Calls `fn` for each set bit of the 64-bit word [lo, hi] whose bit 0 is `base`, below `limit`. */
export function forEachSetBitOfWord(lo: number, hi: number, base: number, limit: number, fn: (bit: number) => void): void {
  if (lo === 0 && hi === 0) return;
  for (let b = 0; b < BITS_PER_WORD && base + b < limit; b++) {
    const set = b < 32 ? (lo >>> b) & 1 : (hi >>> (b - 32)) & 1;
    if (set === 1) fn(base + b);
  }
}

export class DmBitset {
  readonly array: DmArray;
  root = -1;
  private currentIndex = -1;
  /** The cached word as two 32-bit halves (JS bit operations are 32-bit). */
  private lo = 0;
  private hi = 0;
  private dirty = false;

  constructor(tm: DmTransactionManager, makeBtree: ConstructorParameters<typeof DmArray>[1]) {
    this.array = new DmArray(tm, makeBtree, 8);
  }

  /** dm_bitset_empty + dm_bitset_resize: `nrBits` bits, all `value`. */
  *create(nrBits: number, value = false): ProcessGenerator<number> {
    const word = value ? [0xffffffff, 0xffffffff] : [0, 0];
    this.root = yield* this.array.create(Math.ceil(nrBits / BITS_PER_WORD), word);
    this.currentIndex = -1;
    return this.root;
  }

  *setBit(bit: number): ProcessGenerator<void> {
    yield* this.load(Math.floor(bit / BITS_PER_WORD));
    this.modify(bit % BITS_PER_WORD, true);
  }

  /**
   * setBit() when it completes at once (the cached word, or the write-back of the old word
   * and the read of the new one without waiting: DmArray.trySet/tryGet): true; else false,
   * and the caller runs setBit(), which finds any step already done here done (a written-back
   * word is clean, so it is not written twice).
   */
  trySetBit(bit: number): boolean {
    const index = Math.floor(bit / BITS_PER_WORD);
    if (index !== this.currentIndex) {
      if (this.currentIndex >= 0 && this.dirty) {
        const root = this.array.trySet(this.root, this.currentIndex, [this.lo, this.hi]);
        if (root < 0) return false;
        this.root = root;
        this.dirty = false;
      }
      const w = this.array.tryGet(this.root, index);
      if (w === NOT_NOW) return false;
      this.lo = (w as [number, number])[0];
      this.hi = (w as [number, number])[1];
      this.currentIndex = index;
    }
    this.modify(bit % BITS_PER_WORD, true);
    return true;
  }

  *clearBit(bit: number): ProcessGenerator<void> {
    yield* this.load(Math.floor(bit / BITS_PER_WORD));
    this.modify(bit % BITS_PER_WORD, false);
  }

  *testBit(bit: number): ProcessGenerator<boolean> {
    yield* this.load(Math.floor(bit / BITS_PER_WORD));
    const b = bit % BITS_PER_WORD;
    return b < 32 ? ((this.lo >>> b) & 1) === 1 : ((this.hi >>> (b - 32)) & 1) === 1;
  }

  /**
   * dm_bitset_cursor over the first `nrBits` bits (after a dm_bitset_flush): `fn` for each set
   * bit, in order, reading the array block by block.
   */
  *forEachSetBit(nrBits: number, fn: (bit: number) => void): ProcessGenerator<void> {
    yield* this.flush();
    yield* this.array.forEachBlock(this.root, Math.ceil(nrBits / BITS_PER_WORD), (values, first) => {
      for (let i = 0; i < values.length; i++) {
        const [lo, hi] = values[i] as [number, number];
        forEachSetBitOfWord(lo, hi, (first + i) * BITS_PER_WORD, nrBits, fn);
      }
    });
  }

  /** Takes up an existing bitset (a re-open): its root, and no cached word. */
  openAt(root: number): void {
    this.root = root;
    this.currentIndex = -1;
    this.dirty = false;
  }

  /** dm_bitset_flush: the cached word back into the array; returns the root. */
  *flush(): ProcessGenerator<number> {
    if (this.currentIndex >= 0 && this.dirty) {
      this.root = yield* this.array.set(this.root, this.currentIndex, [this.lo, this.hi]);
      this.dirty = false;
    }
    return this.root;
  }

  private *load(index: number): ProcessGenerator<void> {
    if (index === this.currentIndex) return;
    yield* this.flush();
    const w = (yield* this.array.get(this.root, index)) as [number, number];
    this.lo = w[0];
    this.hi = w[1];
    this.currentIndex = index;
  }

  private modify(b: number, on: boolean): void {
    const mask = 1 << (b & 31);
    if (b < 32) this.lo = (on ? this.lo | mask : this.lo & ~mask) >>> 0;
    else this.hi = (on ? this.hi | mask : this.hi & ~mask) >>> 0;
    this.dirty = true;
  }
}
