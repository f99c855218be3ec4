// A metadata device laid out as persistent-data targets lay theirs out (dm-thin-metadata.c,
// dmdedup's cowbtree backend): the superblock in block 0, the metadata space map's bitmaps
// and index, optionally a data space map for a data device, and named btree roots. It owns
// the stack client -> tm -> bm -> dm-bufio and commits in one of two ways (params.ts):
//
// blocking  __commit_transaction: dm_sm_commit of the data map, dm_tm_pre_commit (the
//           metadata map commits, every dirty buffer is written and the cache flushed),
//           superblock write-locked and filled, dm_tm_commit (shadow set wiped, superblock
//           unlocked and written, flushed again). Writers are not stopped by a lock of this
//           class: they meet the commit in dm-bufio's client lock and in block locks, as the
//           era's locking has it.
// cow       the space maps commit, then in one instant the shadow set is wiped (the frozen
//           set: every block this transaction wrote) and the superblock's content captured;
//           from then on writers work in a new transaction and any change to a frozen block
//           shadows it into a new one. The frozen blocks are written (dm-bufio writeBlocks:
//           the client lock is never held across a wait), the cache flushed, then the
//           superblock written and flushed. Only the commits themselves are serialized.
//           Blocks the frozen transaction freed stay unallocatable until its superblock is on
//           the media.
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import { Mutex } from '../../sim/index.js';
import type { BlockDevice } from '../../block/device.js';
import { DmBufioClient } from '../bufio/client.js';
import { BlockMedia } from '../bufio/media.js';
import type { BufioParams } from '../bufio/params.js';
import { cloneBlock, PdataError, type BlockData } from './block-data.js';
import { DmBlockManager } from './block-manager.js';
import { DmBtree } from './btree.js';
import type { ValueType } from './btree-spine.js';
import type { PdataParams } from './params.js';
import { DmSpaceMap } from './space-map.js';
import { DmTransactionManager } from './transaction-manager.js';

export const SUPERBLOCK_LOCATION = 0;

export class Superblock implements BlockData {
  readonly kind = 'superblock';
  constructor(
    public generation: number,
    public roots: Record<string, number>,
    public metadataSm: { index: number; bitmaps: number[] },
    public dataSm: { index: number; bitmaps: number[] } | null,
    /** The client's own fields (dm-clone's region_size and target_size), not btree roots. */
    public fields: Record<string, number> = {},
  ) {}

  clone(): Superblock {
    return new Superblock(
      this.generation,
      { ...this.roots },
      { index: this.metadataSm.index, bitmaps: this.metadataSm.bitmaps.slice() },
      this.dataSm === null ? null : { index: this.dataSm.index, bitmaps: this.dataSm.bitmaps.slice() },
      { ...this.fields },
    );
  }
}

const deviceMedia = new WeakMap<BlockDevice, BlockMedia<BlockData>>();

/**
 * What a metadata device holds, kept with the device rather than with one table's client: a
 * target loaded later on the same device reads what an earlier one wrote, and re-opens it
 * (dm-clone's __open_or_format_metadata). Clients that pass it as `media` get that.
 */
export function metadataMediaOf(dev: BlockDevice): BlockMedia<BlockData> {
  let m = deviceMedia.get(dev);
  if (m === undefined) deviceMedia.set(dev, (m = new BlockMedia<BlockData>(cloneBlock)));
  return m;
}

export interface PersistentMetadataOptions {
  dev: BlockDevice;
  blockSize?: number;
  /** Blocks of the data device the data space map counts (0: no data space map). */
  dataBlocks?: number;
  bufio: Partial<BufioParams>;
  pdata: PdataParams;
  media?: BlockMedia<BlockData>;
  name?: string;
}

export interface CommitStats {
  commits: number;
  /** Dirty (or frozen) blocks written by each commit, last one. */
  lastCommitBlocks: number;
  /** Simulated ns each commit took, summed. */
  totalCommitNs: number;
  maxCommitNs: number;
}

export class PersistentMetadata {
  readonly bufio: DmBufioClient<BlockData>;
  readonly bm: DmBlockManager;
  readonly tm: DmTransactionManager;
  readonly metadataSm: DmSpaceMap;
  readonly dataSm: DmSpaceMap | null;
  readonly roots = new Map<string, number>();
  /**
   * Where the superblock's roots come from when it is filled (at the freeze, or after
   * pre-commit): a client whose roots move as it writes sets this, so the superblock never
   * names a root older than the transaction it commits. Default: `roots`.
   */
  rootsProvider: (() => Record<string, number>) | null = null;
  readonly commitMode: PdataParams['commit'];
  readonly commitStats: CommitStats = { commits: 0, lastCommitBlocks: 0, totalCommitNs: 0, maxCommitNs: 0 };
  generation = 0;
  /** The client's own superblock fields, written with every commit (Superblock.fields). */
  superblockFields: Record<string, number> = {};
  /** Serializes commits (the superblock switch). */
  readonly commitLock: Mutex;
  private readonly pdata: PdataParams;

  constructor(
    readonly sim: Simulation,
    opts: PersistentMetadataOptions,
  ) {
    const blockSize = opts.blockSize ?? 4096;
    const nrBlocks = Math.floor(opts.dev.sizeSectors / (blockSize / 512));
    if (nrBlocks < 16) throw new PdataError('ENOSPC', `metadata device ${opts.dev.name} is too small (${nrBlocks} blocks)`);
    this.bufio = new DmBufioClient<BlockData>(sim, { ...opts.bufio, dev: opts.dev, blockSize, copy: cloneBlock, media: opts.media, name: opts.name });
    this.bm = new DmBlockManager(sim, this.bufio, nrBlocks);
    this.tm = new DmTransactionManager(this.bm);
    this.metadataSm = new DmSpaceMap('metadata', nrBlocks, this.tm, blockSize);
    this.tm.sm = this.metadataSm;
    this.dataSm = opts.dataBlocks ? new DmSpaceMap('data', opts.dataBlocks, this.tm, blockSize) : null;
    this.pdata = opts.pdata;
    this.commitMode = opts.pdata.commit;
    this.commitLock = new Mutex(sim, `${this.bufio.name}.commit`);
  }

  /** A btree handle on this metadata (its root is kept by the caller or in `roots`). */
  btree(vt: ValueType): DmBtree {
    return new DmBtree(this.tm, vt, this.pdata.btreeSplit);
  }

  /** Formats a fresh device: superblock, space maps, empty trees for `trees`; then commits. */
  *format(trees: readonly string[] = []): ProcessGenerator<void> {
    this.metadataSm.reserve(SUPERBLOCK_LOCATION);
    yield* this.metadataSm.format(this.metadataSm);
    if (this.dataSm !== null) yield* this.dataSm.format(this.metadataSm);
    for (const t of trees) this.roots.set(t, yield* this.btree({ size: 8 }).empty());
    const sb = yield* this.bm.writeLockZero(SUPERBLOCK_LOCATION, this.superblockContent());
    yield* this.bm.unlock(sb);
    yield* this.commit();
  }

  /**
   * Block 0 read without a validator, as __superblock_all_zeroes does: the superblock the
   * device already holds (a copy), or null when it holds none (never formatted: zeroes).
   */
  *readSuperblock(): ProcessGenerator<Superblock | null> {
    const blk = yield* this.bm.readLock(SUPERBLOCK_LOCATION);
    const data = blk.buffer.data;
    yield* this.bm.unlock(blk);
    return data instanceof Superblock ? data.clone() : null;
  }

  /**
   * dm_tm_open_with_sm: takes up the committed state `sb` names (read by readSuperblock): its
   * generation, roots and client fields, and the space maps' counts from their bitmap blocks.
   */
  *open(sb: Superblock): ProcessGenerator<void> {
    this.generation = sb.generation;
    this.roots.clear();
    for (const [name, root] of Object.entries(sb.roots)) this.roots.set(name, root);
    this.superblockFields = { ...sb.fields };
    yield* this.metadataSm.open(sb.metadataSm);
    if (this.dataSm !== null) {
      if (sb.dataSm === null) throw new PdataError('EINVAL', 'the superblock has no data space map');
      yield* this.dataSm.open(sb.dataSm);
    }
  }

  /** Commits the open transaction, as `pdata.commit` says. */
  *commit(): ProcessGenerator<string | null> {
    yield this.commitLock.lock();
    const t0 = this.sim.now;
    const err = this.commitMode === 'cow' ? yield* this.commitCow() : yield* this.commitBlocking();
    const dt = this.sim.now - t0;
    this.commitStats.commits++;
    this.commitStats.totalCommitNs += dt;
    this.commitStats.maxCommitNs = Math.max(this.commitStats.maxCommitNs, dt);
    this.commitLock.unlock();
    return err;
  }

  private *commitBlocking(): ProcessGenerator<string | null> {
    const others = this.dataSm === null ? [] : [this.dataSm];
    this.commitStats.lastCommitBlocks = this.bufio.nrDirtyList;
    const e1 = yield* this.tm.preCommit(others, this.pdata.commitFlush);
    const sb = yield* this.bm.writeLock(SUPERBLOCK_LOCATION);
    this.generation++;
    sb.data = this.superblockContent();
    const e2 = yield* this.tm.commit(sb, others);
    return e1 ?? e2;
  }

  private *commitCow(): ProcessGenerator<string | null> {
    if (this.dataSm !== null) yield* this.dataSm.commit();
    yield* this.metadataSm.commit();
    // The freeze: one instant, no yield between wiping the shadow set and capturing roots.
    const frozen = this.tm.wipeShadowTable();
    this.generation++;
    const content = this.superblockContent();
    this.commitStats.lastCommitBlocks = frozen.length;
    const e1 = yield* this.bufio.writeBlocks(frozen);
    const f1 = this.pdata.commitFlush ? yield* this.bufio.issueFlush() : null;
    // The superblock switch.
    const sb = yield* this.bm.writeLock(SUPERBLOCK_LOCATION);
    sb.data = content;
    yield* this.bm.unlock(sb);
    const e2 = yield* this.bufio.writeBlocks([SUPERBLOCK_LOCATION]);
    const f2 = yield* this.bufio.issueFlush();
    this.tm.stats.commits++;
    this.dataSm?.durable();
    this.metadataSm.durable();
    return e1 ?? f1 ?? e2 ?? f2;
  }

  private superblockContent(): Superblock {
    const sm = (m: DmSpaceMap) => ({ index: m.indexRoot, bitmaps: m.bitmapRoots.slice() });
    return new Superblock(this.generation, this.rootsProvider !== null ? this.rootsProvider() : Object.fromEntries(this.roots), sm(this.metadataSm), this.dataSm === null ? null : sm(this.dataSm), { ...this.superblockFields });
  }
}
