// dm-transaction-manager.c: copy-on-write of metadata blocks within a transaction.
//
// shadowBlock (dm_tm_shadow_block): a block already shadowed in this transaction and not
// shared (count 1) is write-locked in place; otherwise a new block is allocated, the original's
// count decremented, the original read-locked, the new one write-locked without reading, the
// whole block copied, and the new block recorded in the shadow set (the kernel's 256-bucket
// hash). `inc` tells the caller the original was shared, so its children gain a reference.
// New blocks count as shadowed. The shadow set is wiped at every commit, so the first change
// to a path after a commit re-shadows it root to leaf.
//
// Commit, as dm-thin and dmdedup drive it: preCommit (dm_tm_pre_commit: the space maps write
// their index, then dm_bm_flush writes every dirty buffer and flushes the device cache), then
// commit(superblock) (dm_tm_commit: wipe the shadow set, unlock the write-locked superblock,
// which dirties it, and flush again). Two synchronous write-and-flush rounds per commit, the
// second carrying only the superblock.
import type { ProcessGenerator } from '../../sim/index.js';
import type { DmBuffer } from '../bufio/buffer.js';
import type { BlockData } from './block-data.js';
import type { DmBlock, DmBlockManager } from './block-manager.js';
import { BlockMarks } from './block-marks.js';
import type { DmSpaceMap } from './space-map.js';

export interface TmStats {
  /** Shadows that copied a block (a new location). */
  shadowCopies: number;
  /** Shadows of a block already shadowed in this transaction (written in place). */
  shadowInPlace: number;
  newBlocks: number;
  commits: number;
}

export class DmTransactionManager {
  readonly stats: TmStats = { shadowCopies: 0, shadowInPlace: 0, newBlocks: 0, commits: 0 };
  /** The shadow set of the open transaction (the kernel's 256-bucket hash; here a bit per block). */
  private readonly shadows: BlockMarks;
  /** The metadata space map (set once it exists: it lives in this tm's blocks). */
  sm!: DmSpaceMap;

  constructor(readonly bm: DmBlockManager) {
    this.shadows = new BlockMarks(bm.nrBlocks);
  }

  /** Blocks shadowed or created in the open transaction. */
  get shadowSet(): ReadonlySet<number> {
    return new Set(this.shadows.list);
  }

  isShadow(b: number): boolean {
    return this.shadows.has(b);
  }

  /** dm_tm_new_block: allocate, write-lock zeroed (with `init` as content), count as shadowed. */
  *newBlock(init: BlockData): ProcessGenerator<DmBlock> {
    return yield* this.newBlockFrom(this.sm, init);
  }

  /** newBlock from a given space map (the metadata map formatting itself). */
  *newBlockFrom(sm: DmSpaceMap, init: BlockData): ProcessGenerator<DmBlock> {
    const b = yield* sm.newBlock();
    this.stats.newBlocks++;
    const blk = yield* this.bm.writeLockZero(b, init);
    this.shadows.add(b);
    return blk;
  }

  /**
   * shadowBlock when it completes at once: a block already shadowed in this transaction and
   * not shared, write-locked at once; else null, nothing done.
   */
  tryShadowInPlace(orig: number): DmBlock | null {
    if (!this.shadows.has(orig) || this.sm.count(orig) > 1) return null;
    const blk = this.bm.tryLock(orig, true);
    if (blk !== null) this.stats.shadowInPlace++;
    return blk;
  }

  /**
   * The buffer of `orig` if shadowBlock(orig) would write-lock it in place at once (already
   * shadowed in this transaction, not shared, lockable at once), found without taking
   * anything; else null. shadowInPlaceNow(buffer) then does it.
   */
  shadowableNow(orig: number): DmBuffer<BlockData> | null {
    if (!this.shadows.has(orig) || this.sm.count(orig) > 1) return null;
    return this.bm.lockableNow(orig, true);
  }

  /** dm_tm_shadow_block's in-place case for a buffer shadowableNow() just gave: write-locked, no handle. */
  shadowInPlaceNow(buf: DmBuffer<BlockData>): void {
    this.bm.lockNow(buf, true);
    this.stats.shadowInPlace++;
  }

  /** Whether shadowBlock(orig) would write-lock it in place at once, and its unlock complete at once. */
  canShadowInPlaceAndUnlockNow(orig: number): boolean {
    return this.bm.canUnlockNow && this.shadowableNow(orig) !== null;
  }

  /** shadowBlock(orig) in place and unlock, once canShadowInPlaceAndUnlockNow(orig) said both complete at once. */
  touchInPlaceNow(orig: number): void {
    const buf = this.shadowableNow(orig) as DmBuffer<BlockData>;
    this.shadowInPlaceNow(buf);
    this.bm.unlockNow(buf, true);
  }

  tryUnlock(blk: DmBlock): boolean {
    return this.bm.tryUnlock(blk);
  }

  /** Whether tryShadowInPlace(orig) would succeed now. */
  canShadowInPlaceNow(orig: number): boolean {
    return this.shadowableNow(orig) !== null;
  }

  /** dm_tm_shadow_block */
  *shadowBlock(orig: number): ProcessGenerator<{ block: DmBlock; inc: boolean }> {
    const inc = this.sm.count(orig) > 1;
    if (this.shadows.has(orig) && !inc) {
      this.stats.shadowInPlace++;
      return { block: yield* this.bm.writeLock(orig), inc: false };
    }
    // __shadow_block
    const b = yield* this.sm.newBlock();
    yield* this.sm.dec(orig);
    const old = yield* this.bm.readLock(orig);
    const blk = yield* this.bm.writeLockZero(b, old.data.clone());
    yield* this.bm.unlock(old);
    this.shadows.add(b);
    this.stats.shadowCopies++;
    return { block: blk, inc };
  }

  *readLock(b: number): ProcessGenerator<DmBlock> {
    return yield* this.bm.readLock(b);
  }

  *writeLock(b: number): ProcessGenerator<DmBlock> {
    return yield* this.bm.writeLock(b);
  }

  *unlock(blk: DmBlock): ProcessGenerator<void> {
    yield* this.bm.unlock(blk);
  }

  *inc(b: number): ProcessGenerator<void> {
    yield* this.sm.inc(b);
  }

  *dec(b: number): ProcessGenerator<void> {
    yield* this.sm.dec(b);
  }

  ref(b: number): number {
    return this.sm.count(b);
  }

  /**
   * dm_tm_pre_commit: the space maps commit, then every dirty buffer is written and flushed
   * (the flush skipped with `cacheFlush` false: pdata.commitFlush, for study only).
   */
  *preCommit(others: readonly DmSpaceMap[] = [], cacheFlush = true): ProcessGenerator<string | null> {
    for (const sm of others) yield* sm.commit();
    yield* this.sm.commit();
    return yield* this.bm.flush(cacheFlush);
  }

  /**
   * dm_tm_commit: wipe the shadow set, unlock the superblock (which dirties it) and flush:
   * the superblock reaches the media only after everything it points to.
   */
  *commit(superblock: DmBlock, others: readonly DmSpaceMap[] = []): ProcessGenerator<string | null> {
    this.wipeShadowTable();
    yield* this.bm.unlock(superblock);
    const err = yield* this.bm.flush();
    this.stats.commits++;
    for (const sm of others) sm.durable();
    this.sm.durable();
    return err;
  }

  /** wipe_shadow_table: the next change to any block shadows it again. Returns the wiped set, in shadowing order. */
  wipeShadowTable(): number[] {
    return this.shadows.take();
  }
}
