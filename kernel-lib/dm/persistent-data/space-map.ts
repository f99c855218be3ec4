// Space maps (dm-space-map-metadata.c, dm-space-map-disk.c, dm-space-map-common.c): a
// reference count per block of a device. On disk the counts live in bitmap blocks of 2 bits
// per entry ((4096 - 16) x 4 = 16320 entries each) with an index of them; a change to a count
// shadows the bitmap block that holds it through the transaction manager, so the blocks a
// transaction dirties are the kernel's. The counts themselves are kept in memory (counts of 3
// and more live in the kernel's ref-count btree: not modelled as I/O).
//
// Allocation follows sm_ll_find_common_free_block: the first block from `begin` that is free
// both now and in the last committed transaction (a block freed by this transaction may still
// be referenced by the committed metadata, so it is not reused before the commit), wrapping
// once to the start; `begin` goes back to 0 at each commit.
//
// The metadata space map allocates its own bitmap blocks' shadows: the kernel breaks that
// recursion by queueing the inner operations (in()/out() and the uncommitted ops); here the
// inner changes go to the counts at once and their bitmap blocks are touched after the outer
// operation.
import type { ProcessGenerator } from '../../sim/index.js';
import { BitmapBlock, OpaqueBlock, PdataError, type BlockData } from './block-data.js';
import type { DmBlock } from './block-manager.js';
import { BlockMarks } from './block-marks.js';

/**
 * What a space map uses of its transaction manager to write its own blocks (bitmaps, index):
 * the kernel's sm_metadata/sm_disk call dm_tm_new_block, dm_tm_shadow_block and dm_tm_unlock.
 * Declared here so that the space map does not depend on the transaction manager, which
 * depends on space maps.
 */
export interface SpaceMapTm {
  newBlockFrom(sm: DmSpaceMap, init: BlockData): ProcessGenerator<DmBlock>;
  readLock(b: number): ProcessGenerator<DmBlock>;
  shadowBlock(orig: number): ProcessGenerator<{ block: DmBlock; inc: boolean }>;
  unlock(blk: DmBlock): ProcessGenerator<void>;
  /** Whether shadowBlock(orig) would write-lock it in place at once and its unlock complete at once. */
  canShadowInPlaceAndUnlockNow(orig: number): boolean;
  /** shadowBlock(orig) in place and unlock, once canShadowInPlaceAndUnlockNow(orig) said so. */
  touchInPlaceNow(orig: number): void;
  /** shadowBlock(orig) when in place and at once; else null, nothing done. */
  tryShadowInPlace(orig: number): DmBlock | null;
  /** unlock(blk) when it completes at once; else false, nothing done. */
  tryUnlock(blk: DmBlock): boolean;
}

export const BITMAP_HEADER_BYTES = 16;

export function entriesPerBitmapBlock(blockSize: number): number {
  return (blockSize - BITMAP_HEADER_BYTES) * 4;
}

export interface SpaceMapStats {
  allocations: number;
  incs: number;
  decs: number;
  bitmapTouches: number;
}

export class DmSpaceMap {
  readonly stats: SpaceMapStats = { allocations: 0, incs: 0, decs: 0, bitmapTouches: 0 };
  /** Reference counts (small ones; larger in `big`). */
  private readonly counts: Uint8Array;
  private readonly big = new Map<number, number>();
  /** Blocks whose count fell to 0 but which committed metadata still references, by transaction. */
  private pinned = new Set<number>();
  /** Pinned sets of transactions being committed (cow commit), released when they are durable. */
  private committing: Set<number>[] = [];
  /** Blocks allocated in this transaction (free in the committed metadata). */
  private readonly allocatedNow: BlockMarks;
  private begin = 0;
  private nrAllocated = 0;
  /** Where each bitmap block and the index are now (they move when shadowed). */
  readonly bitmapRoots: number[] = [];
  indexRoot = -1;
  private recursing = 0;
  /** Bitmap indexes to shadow, oldest first, each once (a handful at most: an array beats a Set). */
  private readonly pendingTouches: number[] = [];
  /** Bitmap blocks whose counts changed in this transaction: their content is refreshed at commit. */
  private readonly changedBitmaps = new Set<number>();
  readonly perBitmap: number;

  constructor(
    readonly name: 'metadata' | 'data',
    readonly nrBlocks: number,
    /** The tm whose blocks hold this map's bitmaps (for the data map: the metadata tm). */
    public tm: SpaceMapTm | null,
    blockSize = 4096,
  ) {
    this.counts = new Uint8Array(nrBlocks);
    this.allocatedNow = new BlockMarks(nrBlocks);
    this.perBitmap = entriesPerBitmapBlock(blockSize);
  }

  get nrBitmaps(): number {
    return Math.ceil(this.nrBlocks / this.perBitmap);
  }

  /** dm_sm_get_nr_free */
  get nrFree(): number {
    return this.nrBlocks - this.nrAllocated;
  }

  /** dm_sm_get_count */
  count(b: number): number {
    const c = this.counts[b];
    return c === 255 ? (this.big.get(b) as number) : c;
  }

  /**
   * Lays the map out on the metadata device: the bitmap blocks and the index, allocated from
   * `alloc` (the metadata map's own, when it is formatting itself) and written through the tm.
   */
  *format(alloc: DmSpaceMap): ProcessGenerator<void> {
    const tm = this.mustTm();
    this.recursing++;
    for (let i = 0; i < this.nrBitmaps; i++) {
      const blk = yield* tm.newBlockFrom(alloc, new BitmapBlock(null));
      this.bitmapRoots.push(blk.location);
      yield* tm.unlock(blk);
    }
    const idx = yield* tm.newBlockFrom(alloc, new OpaqueBlock('sm-index'));
    this.indexRoot = idx.location;
    yield* tm.unlock(idx);
    this.recursing--;
    yield* this.flushTouches();
  }

  /**
   * sm_ll_open_metadata / sm_ll_open_disk on a committed map: the index and bitmap blocks its
   * root names are read, and their counts become the in-memory ones (the kernel reads a
   * bitmap when it first needs it; the model keeps the counts in memory, so it reads them all
   * here). A count stored as 255 stands for "255 or more", as the checker reads it too.
   */
  *open(root: { index: number; bitmaps: readonly number[] }): ProcessGenerator<void> {
    const tm = this.mustTm();
    if (root.bitmaps.length !== this.nrBitmaps) {
      throw new PdataError('EINVAL', `${this.name} space map: the metadata has ${root.bitmaps.length} bitmap blocks, a map of ${this.nrBlocks} blocks needs ${this.nrBitmaps} (device size changed)`);
    }
    const idx = yield* tm.readLock(root.index);
    const kind = idx.buffer.data?.kind;
    yield* tm.unlock(idx);
    if (kind !== 'sm-index') throw new PdataError('EINVAL', `${this.name} space map: block ${root.index} is not its index`);
    this.indexRoot = root.index;
    this.bitmapRoots.length = 0;
    this.counts.fill(0);
    this.big.clear();
    this.nrAllocated = 0;
    for (let i = 0; i < root.bitmaps.length; i++) {
      const blk = yield* tm.readLock(root.bitmaps[i]);
      const data = blk.buffer.data;
      yield* tm.unlock(blk);
      if (!(data instanceof BitmapBlock)) throw new PdataError('EINVAL', `${this.name} space map: block ${root.bitmaps[i]} is not a bitmap`);
      this.bitmapRoots.push(root.bitmaps[i]);
      if (data.counts === null) continue;
      const from = i * this.perBitmap;
      for (let k = 0; k < data.counts.length; k++) {
        const c = data.counts[k];
        if (c === 0) continue;
        this.setCount(from + k, c);
        this.nrAllocated++;
      }
    }
  }

  /** Marks a block in use without I/O (the superblock at format time). */
  reserve(b: number): void {
    this.setCount(b, this.count(b) + 1);
  }

  // Fast paths: inc, dec and newBlock when the bitmap block they touch is already shadowed in
  // this transaction and nothing waits (the common case): the same steps without generator
  // frames. Each does the whole call or nothing.

  /** newBlock() when it completes at once: the block; else -1, nothing done. */
  tryNewBlock(): number {
    let b = this.findFree(this.begin, this.nrBlocks);
    if (b < 0) b = this.findFree(0, this.begin);
    if (b < 0 || !this.canTouchNow(b)) return -1;
    this.begin = b + 1;
    this.stats.allocations++;
    this.allocatedNow.add(b);
    this.changeNow(b, 1);
    return b;
  }

  /** inc(b) when it completes at once; else false, nothing done. */
  tryInc(b: number): boolean {
    if (!this.canTouchNow(b)) return false;
    this.stats.incs++;
    this.changeNow(b, +1);
    return true;
  }

  /** dec(b) when it completes at once; else false, nothing done. */
  tryDec(b: number): boolean {
    if (this.count(b) === 0 || !this.canTouchNow(b)) return false; // the slow path throws
    this.stats.decs++;
    this.changeNow(b, -1);
    return true;
  }

  /** Whether change(b, ..) would complete without waiting: its bitmap's touch (if any) in place and at once. */
  private canTouchNow(b: number): boolean {
    if (this.recursing !== 0 || this.tm === null || this.bitmapRoots.length === 0) return true;
    if (this.pendingTouches.length !== 0) return false;
    return this.tm.canShadowInPlaceAndUnlockNow(this.bitmapRoots[Math.floor(b / this.perBitmap)]);
  }

  /** change() once canTouchNow(b) said yes. */
  private changeNow(b: number, delta: number): void {
    this.applyChange(b, delta);
    if (this.recursing !== 0) return;
    if (this.tm === null || this.bitmapRoots.length === 0) {
      this.pendingTouches.length = 0;
      return;
    }
    // flushTouches with the one touch applyChange queued, which canTouchNow said completes
    // at once: the bitmap block shadowed in place (its location unchanged) and unlocked.
    const i = this.pendingTouches.pop() as number;
    this.recursing++;
    this.stats.bitmapTouches++;
    this.tm.touchInPlaceNow(this.bitmapRoots[i]);
    this.recursing--;
  }

  /** dm_sm_new_block: allocate a block with count 1. */
  *newBlock(): ProcessGenerator<number> {
    const fast = this.tryNewBlock();
    if (fast >= 0) return fast;
    let b = this.findFree(this.begin, this.nrBlocks);
    if (b < 0) b = this.findFree(0, this.begin);
    if (b < 0) throw new PdataError('ENOSPC', `${this.name} space map: no free block (${this.nrBlocks} blocks)`);
    this.begin = b + 1;
    this.stats.allocations++;
    this.allocatedNow.add(b);
    yield* this.change(b, 1);
    return b;
  }

  /** dm_sm_inc_block */
  *inc(b: number): ProcessGenerator<void> {
    if (this.tryInc(b)) return;
    this.stats.incs++;
    yield* this.change(b, +1);
  }

  /** dm_sm_dec_block */
  *dec(b: number): ProcessGenerator<void> {
    if (this.tryDec(b)) return;
    this.stats.decs++;
    if (this.count(b) === 0) throw new PdataError('EINVAL', `${this.name} space map: decrement of free block ${b}`);
    yield* this.change(b, -1);
  }

  /**
   * dm_sm_commit: the index is written (shadowed) and the allocation cursor rewinds. Blocks
   * freed in the transaction become reusable once `durable()` says the commit reached the
   * media (at once for the blocking commit, which calls it after its flush).
   */
  *commit(): ProcessGenerator<void> {
    const tm = this.mustTm();
    this.recursing++;
    const { block } = yield* tm.shadowBlock(this.indexRoot);
    this.indexRoot = block.location;
    yield* tm.unlock(block);
    this.recursing--;
    yield* this.flushTouches();
    yield* this.writeCounts();
    this.committing.push(this.pinned);
    this.pinned = new Set();
    this.allocatedNow.clear();
    this.begin = 0;
  }

  /** The oldest commit in flight is on the media: what it freed may be reused. */
  durable(): void {
    this.committing.shift();
  }

  private findFree(from: number, to: number): number {
    const counts = this.counts;
    for (let b = from; b < to; b++) {
      if (counts[b] === 0 && !this.isPinned(b)) return b;
    }
    return -1;
  }

  private isPinned(b: number): boolean {
    if (this.pinned.has(b)) return true;
    for (const s of this.committing) if (s.has(b)) return true;
    return false;
  }

  private *change(b: number, delta: number): ProcessGenerator<void> {
    this.applyChange(b, delta);
    if (this.recursing === 0) yield* this.flushTouches();
  }

  /** The count changes; its bitmap block is queued to be touched. */
  private applyChange(b: number, delta: number): void {
    const old = this.count(b);
    const now = old + delta;
    this.setCount(b, now);
    if (old === 0 && now > 0) this.nrAllocated++;
    if (old > 0 && now === 0) {
      this.nrAllocated--;
      if (!this.allocatedNow.has(b)) this.pinned.add(b);
      else this.allocatedNow.delete(b);
    }
    const i = Math.floor(b / this.perBitmap);
    if (!this.pendingTouches.includes(i)) this.pendingTouches.push(i);
    this.changedBitmaps.add(i);
  }

  /** Shadows (dirties) the bitmap blocks whose counts changed. */
  private *flushTouches(): ProcessGenerator<void> {
    if (this.tm === null || this.bitmapRoots.length === 0) {
      this.pendingTouches.length = 0;
      return;
    }
    const tm = this.tm;
    while (this.pendingTouches.length > 0) {
      const i = this.pendingTouches.shift() as number;
      this.recursing++;
      this.stats.bitmapTouches++;
      const root = this.bitmapRoots[i];
      const block = tm.tryShadowInPlace(root) ?? (yield* tm.shadowBlock(root)).block;
      this.bitmapRoots[i] = block.location;
      if (!tm.tryUnlock(block)) yield* tm.unlock(block);
      this.recursing--;
    }
  }

  /**
   * The counts of this transaction's changed bitmaps into their blocks (already shadowed in
   * this transaction, so written in place): what the commit writes, a re-open reads.
   */
  private *writeCounts(): ProcessGenerator<void> {
    const tm = this.tm;
    if (tm === null || this.bitmapRoots.length === 0) return;
    this.recursing++;
    for (const i of this.changedBitmaps) {
      const { block } = yield* tm.shadowBlock(this.bitmapRoots[i]);
      this.bitmapRoots[i] = block.location;
      const from = i * this.perBitmap;
      (block.data as BitmapBlock).counts = this.counts.slice(from, Math.min(from + this.perBitmap, this.nrBlocks));
      yield* tm.unlock(block);
    }
    this.recursing--;
    this.changedBitmaps.clear();
    yield* this.flushTouches();
  }

  private setCount(b: number, c: number): void {
    if (c >= 255) {
      this.counts[b] = 255;
      this.big.set(b, c);
    } else {
      this.counts[b] = c;
      this.big.delete(b);
    }
  }

  private mustTm(): SpaceMapTm {
    if (this.tm === null) throw new Error(`${this.name} space map has no transaction manager`);
    return this.tm;
  }
}
