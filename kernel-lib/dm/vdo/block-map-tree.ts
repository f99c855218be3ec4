// The block map's trees (block-map.c; docs/references.md#vdo-block-map-tree): their shape, the
// pages allocated, the tree locks. The walk and the allocation are in find-block-map-slot.ts
// (logical zone) and write-path.ts (physical zone, journal). The leaf pages of
// logical page p hang in tree p mod 60 (DEFAULT_VDO_BLOCK_MAP_TREE_ROOT_COUNT), as leaf
// floor(p / 60) of that tree. A tree is VDO_BLOCK_MAP_TREE_HEIGHT levels above its leaves: a
// root page at height 4, at a fixed block (root origin + tree), read from storage on first
// use; interior pages at heights 3, 2 and 1, each entry naming a page one level down
// (812 per page); the leaves at height 0. Interior pages stay in memory once there (the
// forest); leaves go through the page cache (block-map.ts).
// Nothing below a root exists on a fresh volume: the first write under an unallocated entry
// allocates the missing pages top down, one level at a time, each like a data block: a tree
// lock on the page (others needing it wait), an allocation in a physical zone, a recovery-
// journal entry (a block-map remapping: an increment, no decrement), once its journal block is
// on disk the reference count set to MAXIMUM_REFERENCE_COUNT in the page's slab journal (so
// nothing dedupes against it) and the write lock released, then back in the logical zone the
// parent page records the new page and becomes dirty in the current era. Reads and discards
// never allocate: under an unallocated entry the LBN is unmapped.
import { DEFAULT_VDO_BLOCK_MAP_TREE_ROOT_COUNT, VDO_BLOCK_MAP_ENTRIES_PER_PAGE, VDO_BLOCK_MAP_TREE_HEIGHT } from './constants.js';
import type { DataVio } from './data-vio.js';
import { NumberMap } from '../../sim/number-map.js';
import type { SlabDepot } from './slab-depot.js';

const ROOTS = DEFAULT_VDO_BLOCK_MAP_TREE_ROOT_COUNT;
const EPP = VDO_BLOCK_MAP_ENTRIES_PER_PAGE;

/** The index, within its tree, of the page at `height` on the way to logical page `page` (height 0: the leaf). */
export function treePageIndex(page: number, height: number): number {
  return Math.floor(Math.floor(page / ROOTS) / EPP ** height);
}

/** A page of the forest as one number: (tree, height, index in the tree at that height). */
export function treeKey(root: number, height: number, index: number): number {
  return (index * VDO_BLOCK_MAP_TREE_HEIGHT + height) * ROOTS + root;
}

export class BlockMapForest {
  /** The block of every allocated page below the roots (heights 0-3), by treeKey. */
  readonly pages = new NumberMap<number>(1 << 12);
  /** Pages below the roots that are in memory (allocated in this run, or read), by treeKey (value 1); leaves are the page cache's. */
  readonly inMemory = new NumberMap<number>(1 << 8);
  /** The leaf block of each logical page whose whole walk is in memory (0: not walked yet): the walk's result, kept. */
  readonly walked: Float64Array;
  /** Roots read from storage. */
  readonly rootLoaded = new Uint8Array(ROOTS);
  /** Tree locks (zone->loading_pages): the data_vios waiting for a page being loaded or allocated. */
  readonly locks = new Map<number, DataVio[]>();
  /** Pages allocated in this run, by height (0: leaves), and pages the volume had before it. */
  readonly allocated = [0, 0, 0, 0];
  preexisting = 0;
  rootReads = 0;
  /** Interior pages read from storage. */
  pageReads = 0;

  constructor(
    /** The block of tree 0's root; tree n's is the n-th after it. */
    readonly rootOrigin: number,
    /** Leaf pages the logical space has. */
    logicalPages: number,
  ) {
    this.walked = new Float64Array(logicalPages);
  }

  pagesAllocated(): number {
    return this.preexisting + this.allocated[0] + this.allocated[1] + this.allocated[2] + this.allocated[3];
  }

  rootPbn(root: number): number {
    return this.rootOrigin + root;
  }

  /** The block of logical page `page`'s leaf, 0 while unallocated. */
  leafPbn(page: number): number {
    return this.pages.getOr(treeKey(page % ROOTS, 0, treePageIndex(page, 0)), 0);
  }

  /**
   * `vdo.blockMapTree: allocated`: every page the logical space needs, as a volume written over
   * once and discarded has them, in the slabs (the physical zones in turn) and on storage, not
   * in memory.
   */
  preallocate(depot: SlabDepot, logicalBlocks: number): void {
    const leaves = Math.ceil(logicalBlocks / EPP);
    let z = 0;
    for (let page = 0; page < leaves; page++) {
      const root = page % ROOTS;
      for (let height = VDO_BLOCK_MAP_TREE_HEIGHT - 2; height >= 0; height--) {
        const key = treeKey(root, height, treePageIndex(page, height));
        if (this.pages.has(key)) continue;
        const pbn = depot.allocateBlockMapPage(depot.zones[z++ % depot.zones.length]);
        if (pbn === 0) return;
        this.pages.set(key, pbn);
        this.preexisting++;
      }
    }
  }

  /** attempt_page_lock: true when `dv` holds the lock on `key`; otherwise it waits behind the holder. */
  lock(key: number, dv: DataVio): boolean {
    const waiters = this.locks.get(key);
    if (waiters === undefined) {
      this.locks.set(key, []);
      return true;
    }
    waiters.push(dv);
    return false;
  }

  /** release_page_lock: the data_vios that waited. */
  unlock(key: number): DataVio[] {
    const waiters = this.locks.get(key) as DataVio[];
    this.locks.delete(key);
    return waiters;
  }
}
