// dm-array.c: an array of fixed-size values in array blocks (a 24-byte header, then
// (4096 - 24) / value_size entries: 509 64-bit words), found through a btree from block index
// to array block. Setting a value shadows its array block; when the shadow moved, the btree
// entry is re-inserted (after an extra reference on the old block, which the overwrite
// drops: shadow_ablock).
import type { ProcessGenerator } from '../../sim/index.js';
import { PdataError, type BlockData } from './block-data.js';
import { NOT_NOW, type DmBtree } from './btree.js';
import type { DmTransactionManager } from './transaction-manager.js';

export const ARRAY_BLOCK_HEADER_BYTES = 24;

export class ArrayBlock implements BlockData {
  readonly kind = 'array-block';
  constructor(
    readonly maxEntries: number,
    public values: unknown[],
  ) {}
  clone(): ArrayBlock {
    return new ArrayBlock(this.maxEntries, this.values.slice());
  }
}

export class DmArray {
  readonly entriesPerBlock: number;
  readonly btree: DmBtree;

  constructor(
    readonly tm: DmTransactionManager,
    makeBtree: (vt: { size: number; dec: (v: unknown) => ProcessGenerator<void> }) => DmBtree,
    readonly valueSize: number,
  ) {
    this.entriesPerBlock = Math.floor((tm.bm.blockSize - ARRAY_BLOCK_HEADER_BYTES) / valueSize);
    const self = this;
    this.btree = makeBtree({ size: 8, dec: function* (v) { yield* self.tm.dec(v as number); } });
  }

  /** dm_array_empty + dm_array_resize from 0: an array of `n` values all `init`. */
  *create(n: number, init: unknown): ProcessGenerator<number> {
    let root = yield* this.btree.empty();
    for (let i = 0, b = 0; i < n; i += this.entriesPerBlock, b++) {
      const count = Math.min(this.entriesPerBlock, n - i);
      const blk = yield* this.tm.newBlock(new ArrayBlock(this.entriesPerBlock, new Array(count).fill(init)));
      const loc = blk.location;
      yield* this.tm.unlock(blk);
      root = yield* this.btree.insert(root, b, loc);
    }
    return root;
  }

  /** dm_array_get_value */
  *get(root: number, index: number): ProcessGenerator<unknown> {
    const loc = yield* this.btree.lookup(root, Math.floor(index / this.entriesPerBlock));
    if (loc === undefined) throw new PdataError('ENODATA', `array index ${index} beyond the array`);
    const blk = yield* this.tm.readLock(loc as number);
    const v = (blk.data as ArrayBlock).values[index % this.entriesPerBlock];
    yield* this.tm.unlock(blk);
    return v;
  }

  /**
   * get() when every block it locks is locked at once (cached, nothing waiting): the same steps
   * without a generator frame; else NOT_NOW, nothing done.
   */
  tryGet(root: number, index: number): unknown {
    const bi = Math.floor(index / this.entriesPerBlock);
    const loc = this.btree.peekValue(root, bi);
    if (loc === NOT_NOW || loc === undefined) return NOT_NOW;
    const bm = this.tm.bm;
    if (!bm.canLockNow(loc as number, false) || !bm.canUnlockNow) return NOT_NOW;
    this.btree.tryLookup(root, bi);
    const blk = bm.tryLock(loc as number, false);
    if (blk === null) throw new Error(`array block ${loc as number}: lockable a moment ago, not now`);
    const v = (blk.data as ArrayBlock).values[index % this.entriesPerBlock];
    bm.tryUnlock(blk);
    return v;
  }

  /**
   * set() when its array block is already shadowed in this transaction (no copy, so no btree
   * insert) and everything it locks is locked at once: the same steps without a generator
   * frame, returning the (unchanged) root; else -1, nothing done.
   */
  trySet(root: number, index: number, value: unknown): number {
    const bi = Math.floor(index / this.entriesPerBlock);
    const loc = this.btree.peekValue(root, bi);
    if (loc === NOT_NOW || loc === undefined || !this.tm.canShadowInPlaceAndUnlockNow(loc as number)) return -1;
    this.btree.tryLookup(root, bi);
    const block = this.tm.tryShadowInPlace(loc as number);
    if (block === null) throw new Error(`array block ${loc as number}: shadowable a moment ago, not now`);
    (block.data as ArrayBlock).values[index % this.entriesPerBlock] = value;
    this.tm.tryUnlock(block);
    return root;
  }

  /**
   * A dm_array_cursor over the first `n` values: each array block in turn, found through the
   * btree and read-locked while `fn` sees its values and the index of its first.
   */
  *forEachBlock(root: number, n: number, fn: (values: readonly unknown[], first: number) => void): ProcessGenerator<void> {
    for (let first = 0, bi = 0; first < n; first += this.entriesPerBlock, bi++) {
      const loc = yield* this.btree.lookup(root, bi);
      if (loc === undefined) throw new PdataError('ENODATA', `array block ${bi} missing (the array has fewer than ${n} values)`);
      const blk = yield* this.tm.readLock(loc as number);
      fn((blk.data as ArrayBlock).values, first);
      yield* this.tm.unlock(blk);
    }
  }

  /** dm_array_set_value: returns the new root. */
  *set(root: number, index: number, value: unknown): ProcessGenerator<number> {
    const bi = Math.floor(index / this.entriesPerBlock);
    const loc = (yield* this.btree.lookup(root, bi)) as number | undefined;
    if (loc === undefined) throw new PdataError('ENODATA', `array index ${index} beyond the array`);
    const { block } = yield* this.tm.shadowBlock(loc);
    (block.data as ArrayBlock).values[index % this.entriesPerBlock] = value;
    const moved = block.location !== loc;
    const newLoc = block.location;
    yield* this.tm.unlock(block);
    if (!moved) return root;
    yield* this.tm.inc(loc);
    return yield* this.btree.insert(root, bi, newLoc);
  }
}
