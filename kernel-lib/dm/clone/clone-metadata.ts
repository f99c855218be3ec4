// dm-clone's metadata (dm-clone-metadata.c): an on-disk dm-bitset, one bit per region, in a
// persistent-data transaction on the metadata device, and in core:
//   region_map     the bitset's copy, tested on every bio (no metadata I/O on the I/O path);
//   dmap[2]        dirty maps (dirty_regions plus dirty_words, one flag per 64-bit word):
//                  which regions became hydrated in the current transaction. Marking a region
//                  touches only memory and never sleeps (it runs in bio completion).
// A commit writes only the dirty words into the bitset (dm_bitset_set_bit per dirty region,
// the bitset caching one word), flushes the bitset, and commits the transaction (dirty blocks,
// flush, superblock, flush). With the pre-commit (5.5), the current dirty map is swapped out
// first, so regions hydrated while the destination is being flushed wait for the next commit.
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import type { BlockDevice } from '../../block/device.js';
import type { BufioParams } from '../bufio/params.js';
import { DmBitset } from '../persistent-data/bitset.js';
import { metadataMediaOf, PersistentMetadata, Superblock, SUPERBLOCK_LOCATION } from '../persistent-data/persistent-metadata.js';
import { PdataError } from '../persistent-data/block-data.js';
import type { PdataParams } from '../persistent-data/params.js';

/** DM_CLONE_METADATA_BLOCK_SIZE, sectors. */
export const METADATA_BLOCK_SECTORS = 8;
const BITS_PER_LONG = 64;

/** Bitmaps as the kernel keeps them (unsigned long arrays), here in 32-bit words. */
const BITS = 32;

function testBit(map: Uint32Array, bit: number): boolean {
  return ((map[bit >>> 5] >>> (bit & 31)) & 1) === 1;
}

function setBit(map: Uint32Array, bit: number): void {
  map[bit >>> 5] |= 1 << (bit & 31);
}

/** struct dirty_map */
class DirtyMap {
  readonly dirtyWords: Uint8Array;
  readonly dirtyRegions: Uint32Array;
  changed = false;
  constructor(nrWords: number, nrRegions: number) {
    this.dirtyWords = new Uint8Array(nrWords);
    this.dirtyRegions = new Uint32Array(Math.ceil(nrRegions / BITS));
  }
}

export class CloneMetadata {
  readonly pm: PersistentMetadata;
  readonly bitset: DmBitset;
  readonly nrWords: number;
  /** region_map: a bitmap, set = hydrated. */
  readonly regionMap: Uint32Array;
  nrHydrated = 0;
  hydrationDone = false;
  readOnly = false;
  private readonly dmap: [DirtyMap, DirtyMap];
  private current: DirtyMap;
  private committing: DirtyMap | null = null;
  /** Metadata commits that wrote something (statistics). */
  commits = 0;

  readonly nrRegions: number;

  constructor(
    readonly sim: Simulation,
    readonly dev: BlockDevice,
    /** The target's length and region size, in sectors (the superblock's target_size, region_size). */
    readonly targetSize: number,
    readonly regionSize: number,
    bufio: Partial<BufioParams>,
    pdata: PdataParams,
    name: string,
  ) {
    const nrRegions = Math.ceil(targetSize / regionSize);
    this.nrRegions = nrRegions;
    // The device's own media: a table loaded later on this device re-opens what this one wrote.
    this.pm = new PersistentMetadata(sim, { dev, bufio, pdata, name, media: metadataMediaOf(dev) });
    this.pm.superblockFields = { regionSize, targetSize };
    this.bitset = new DmBitset(this.pm.tm, (vt) => this.pm.btree(vt));
    this.pm.rootsProvider = () => ({ bitset: this.bitset.root });
    this.nrWords = Math.ceil(nrRegions / BITS_PER_LONG);
    this.regionMap = new Uint32Array(Math.ceil(nrRegions / BITS));
    this.dmap = [new DirtyMap(this.nrWords, nrRegions), new DirtyMap(this.nrWords, nrRegions)];
    this.current = this.dmap[0];
  }

  /**
   * Metadata blocks a freshly formatted device needs: the superblock, the space map's index
   * and bitmaps, the bitset's array blocks (509 words each) and the btree over them, and as
   * many again for the shadows of one transaction.
   */
  static blocksNeeded(nrRegions: number): number {
    const words = Math.ceil(nrRegions / BITS_PER_LONG);
    const arrayBlocks = Math.ceil(words / 509);
    const btreeNodes = Math.ceil(arrayBlocks / 126) + 1;
    return 1 + 2 + 2 * (arrayBlocks + btreeNodes) + 8;
  }

  /**
   * What a device already holds for a clone, looked at without I/O (the constructor's check,
   * before the simulated open reads it): null when it holds no superblock, else the region
   * size and target size it was formatted with.
   */
  static existingGeometry(dev: BlockDevice): { regionSize: number; targetSize: number } | null {
    const sb = metadataMediaOf(dev).peek(SUPERBLOCK_LOCATION);
    if (!(sb instanceof Superblock)) return null;
    return { regionSize: sb.fields.regionSize, targetSize: sb.fields.targetSize };
  }

  /** __format_metadata: the transaction manager, an all-zero bitset of nr_regions bits, a commit. */
  *format(): ProcessGenerator<void> {
    yield* this.pm.format();
    yield* this.bitset.create(this.nrRegions, false);
    yield* this.pm.commit();
  }

  /**
   * dm_clone_metadata_open: __superblock_all_zeroes reads block 0; a device never formatted is
   * formatted, one that holds a clone superblock is opened (its region and target size must
   * be this target's) and its bitset loaded into the region map (__load_bitset_in_core):
   * the regions hydrated by the last commit stay hydrated (docs/references.md#clone-metadata).
   * Returns which it was.
   */
  *openOrFormat(): ProcessGenerator<'formatted' | 'opened'> {
    const sb = yield* this.pm.readSuperblock();
    if (sb === null) {
      yield* this.format();
      return 'formatted';
    }
    if (sb.fields.regionSize !== this.regionSize || sb.fields.targetSize !== this.targetSize) {
      throw new PdataError('EINVAL', `Region and/or target size don't match the ones in metadata (region size ${sb.fields.regionSize}, target size ${sb.fields.targetSize})`);
    }
    yield* this.pm.open(sb);
    this.bitset.openAt(sb.roots.bitset);
    const map = this.regionMap;
    let n = 0;
    yield* this.bitset.forEachSetBit(this.nrRegions, (r) => {
      setBit(map, r);
      n++;
    });
    this.nrHydrated = n;
    this.hydrationDone = n === this.nrRegions;
    return 'opened';
  }

  get metadataBlocks(): number {
    return this.pm.metadataSm.nrBlocks;
  }

  get freeMetadataBlocks(): number {
    return this.pm.metadataSm.nrFree;
  }

  isRegionHydrated(region: number): boolean {
    return this.hydrationDone || testBit(this.regionMap, region);
  }

  /** dm_clone_is_range_hydrated */
  isRangeHydrated(start: number, n: number): boolean {
    if (this.hydrationDone) return true;
    for (let r = start; r < start + n; r++) if (!testBit(this.regionMap, r)) return false;
    return true;
  }

  /** dm_clone_find_next_unhydrated_region: nrRegions when there is none from `start` on. */
  findNextUnhydrated(start: number): number {
    const m = this.regionMap;
    const nr = this.nrRegions;
    let r = start;
    while (r < nr) {
      // find_next_zero_bit: whole hydrated words are skipped at once.
      if ((r & 31) === 0 && m[r >>> 5] === 0xffffffff) {
        r += BITS;
        continue;
      }
      if (!testBit(m, r)) return r;
      r++;
    }
    return nr;
  }

  changedThisTransaction(): boolean {
    return this.dmap[0].changed || this.dmap[1].changed;
  }

  /** dm_clone_set_region_hydrated: memory only (called from bio completion). */
  setRegionHydrated(region: number): boolean {
    if (this.readOnly) return false;
    this.mark(this.current, region);
    return true;
  }

  /** dm_clone_cond_set_range: a discard hydrates the regions it covers without copying. */
  condSetRange(start: number, n: number): boolean {
    if (this.readOnly) return false;
    for (let r = start; r < start + n; r++) if (!testBit(this.regionMap, r)) this.mark(this.current, r);
    return true;
  }

  /** dm_clone_metadata_pre_commit: swap the dirty maps; the old one is what commits. */
  preCommit(): void {
    if (this.committing !== null) throw new Error('clone metadata: pre-commit with a commit pending');
    this.committing = this.current;
    this.current = this.current === this.dmap[0] ? this.dmap[1] : this.dmap[0];
  }

  /**
   * dm_clone_metadata_commit: the committing dirty map into the bitset, then the transaction
   * commits. 5.4 had no separate pre-commit: the swap happened here, with nothing flushed on
   * the destination before the metadata naming its regions was written.
   */
  *commit(): ProcessGenerator<string | null> {
    if (this.committing === null) this.preCommit();
    const dmap = this.committing as DirtyMap;
    for (let w = 0; w < this.nrWords; w++) {
      if (dmap.dirtyWords[w] === 0) continue;
      const end = Math.min(this.nrRegions, (w + 1) * BITS_PER_LONG);
      for (let r = w * BITS_PER_LONG; r < end; r++) {
        if (!testBit(dmap.dirtyRegions, r)) continue;
        if (!this.bitset.trySetBit(r)) yield* this.bitset.setBit(r);
        dmap.dirtyRegions[r >>> 5] &= ~(1 << (r & 31));
      }
      dmap.dirtyWords[w] = 0;
    }
    yield* this.bitset.flush();
    const err = yield* this.pm.commit();
    if (err !== null) return err;
    this.commits++;
    if (this.nrHydrated === this.nrRegions) this.hydrationDone = true;
    dmap.changed = false;
    this.committing = null;
    return null;
  }

  private mark(dmap: DirtyMap, region: number): void {
    dmap.dirtyWords[Math.floor(region / BITS_PER_LONG)] = 1;
    setBit(dmap.dirtyRegions, region);
    if (!testBit(this.regionMap, region)) {
      setBit(this.regionMap, region);
      this.nrHydrated++;
    }
    dmap.changed = true;
  }
}
