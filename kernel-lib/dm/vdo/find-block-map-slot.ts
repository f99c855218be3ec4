// vdo_find_block_map_slot and the tree steps of the logical zone (block-map.c: attempt_page_lock,
// load_block_map_page, allocate_block_map_page, finish_block_map_allocation;
// docs/references.md#vdo-block-map-tree). The trees' shape is block-map-tree.ts's; the
// allocation's physical-zone and journal steps (allocate_block, journal_block_map_allocation,
// set_block_map_page_reference_count, release_block_map_write_lock) are write-path.ts's.
// Simplified [R]: a data_vio that waited for a page re-walks the tree (the kernel continues at
// the next level down: the same pages result); the block-map vio pool does not bound loads;
// an allocation failure fails only the data_vio that made it (the kernel fails its waiters too).
import { treeKey, treePageIndex } from './block-map-tree.js';
import type { MetadataVio } from './completion.js';
import { DEFAULT_VDO_BLOCK_MAP_TREE_ROOT_COUNT, VDO_BLOCK_MAP_ENTRIES_PER_PAGE, VDO_BLOCK_MAP_TREE_HEIGHT } from './constants.js';
import type { DataVio } from './data-vio.js';
import { S } from './steps.js';
import type { Vdo } from './vdo.js';

const ROOTS = DEFAULT_VDO_BLOCK_MAP_TREE_ROOT_COUNT;
const EPP = VDO_BLOCK_MAP_ENTRIES_PER_PAGE;
const ROOT_HEIGHT = VDO_BLOCK_MAP_TREE_HEIGHT - 1;

/**
 * vdo_find_block_map_slot, in the data_vio's logical zone: the block of its leaf page, reading
 * the root and allocating the missing pages as needed; then on to the leaf (logical-zone.ts).
 */
export function findBlockMapSlot(vdo: Vdo, dv: DataVio, continueWithLeaf: (vdo: Vdo, dv: DataVio) => void): void {
  const forest = vdo.blockMap.forest;
  const page = Math.floor(dv.lbn / EPP);
  const root = page % ROOTS;
  if (forest.rootLoaded[root] === 0) {
    // load_block_map_page for the root: one read, everyone else in the tree waits for it.
    const key = treeKey(root, ROOT_HEIGHT, 0);
    if (forest.lock(key, dv)) {
      forest.rootReads++;
      vdo.metadataIo('read', forest.rootPbn(root), 0, S.treePageLoaded, vdo.tc.logicalThreads[dv.logicalZone], vdo.logicalStructure(dv.logicalZone), dv, key);
    }
    return;
  }
  const walked = forest.walked[page];
  if (walked > 0) {
    // Walked before, every page on the way in memory: pages are never freed or evicted from
    // the forest, so the same walk finds the same leaf.
    dv.leafPbn = walked;
    continueWithLeaf(vdo, dv);
    return;
  }
  let leaf = 0;
  for (let height = ROOT_HEIGHT - 1; height >= 0; height--) {
    const key = treeKey(root, height, treePageIndex(page, height));
    const pbn = forest.pages.getOr(key, 0);
    if (pbn !== 0) {
      leaf = pbn;
      if (height === 0 || forest.inMemory.has(key)) continue;
      // load_block_map_page: an interior page on storage, not yet in memory.
      if (forest.lock(key, dv)) {
        forest.pageReads++;
        vdo.metadataIo('read', pbn, 0, S.treePageLoaded, vdo.tc.logicalThreads[dv.logicalZone], vdo.logicalStructure(dv.logicalZone), dv, key);
      }
      return;
    }
    if (!dv.write || dv.discard) {
      // Nothing is mapped under an unallocated entry: no page to allocate or read.
      dv.leafPbn = 0;
      continueWithLeaf(vdo, dv);
      return;
    }
    // allocate_block_map_page -> data_vio_allocate_data_block(VIO_BLOCK_MAP_WRITE_LOCK)
    if (!forest.lock(key, dv)) return;
    dv.treeKey = key;
    dv.treeHeight = height;
    dv.allocationZone = vdo.nextAllocationZone(dv.logicalZone);
    vdo.toPhysical(dv, S.allocateBlockMapPage, dv.allocationZone);
    return;
  }
  forest.walked[page] = leaf;
  dv.leafPbn = leaf;
  continueWithLeaf(vdo, dv);
}

/** finish_block_map_page_load for a root or an interior page: it is in memory; the data_vios that waited walk on. */
export function treePageLoaded(vdo: Vdo, m: MetadataVio, continueWithLeaf: (vdo: Vdo, dv: DataVio) => void): void {
  const forest = vdo.blockMap.forest;
  const key = m.key;
  if (Math.floor(key / ROOTS) % VDO_BLOCK_MAP_TREE_HEIGHT === ROOT_HEIGHT) forest.rootLoaded[key % ROOTS] = 1;
  else forest.inMemory.set(key, 1);
  const waiters = forest.unlock(key);
  for (const w of waiters) findBlockMapSlot(vdo, w, continueWithLeaf);
  findBlockMapSlot(vdo, m.owner as DataVio, continueWithLeaf);
}

/**
 * finish_block_map_allocation, back in the logical zone: the parent records the page (and is
 * dirty in this era); the tree lock goes, its waiters and the data_vio walk on. An allocation
 * that found no space fails the write (abort_lookup with VDO_NO_SPACE).
 */
export function finishBlockMapAllocation(vdo: Vdo, dv: DataVio, continueWithLeaf: (vdo: Vdo, dv: DataVio) => void, fail: (vdo: Vdo, dv: DataVio) => void): void {
  const forest = vdo.blockMap.forest;
  const key = dv.treeKey;
  const height = dv.treeHeight;
  const pbn = dv.newPbn;
  dv.treeKey = -1;
  dv.newPbn = dv.newState = dv.incrementTicket = 0;
  if (pbn > 0) {
    forest.pages.set(key, pbn);
    forest.inMemory.set(key, 1);
    forest.allocated[height]++;
    const page = Math.floor(dv.lbn / EPP);
    const root = page % ROOTS;
    const parent = height + 1 === ROOT_HEIGHT ? forest.rootPbn(root) : forest.pages.getOr(treeKey(root, height + 1, treePageIndex(page, height + 1)), 0);
    vdo.blockMap.dirty(vdo.blockMap.zones[dv.logicalZone], parent, vdo.journal.committed);
  }
  for (const w of forest.unlock(key)) findBlockMapSlot(vdo, w, continueWithLeaf);
  if (pbn > 0) findBlockMapSlot(vdo, dv, continueWithLeaf);
  else fail(vdo, dv);
}
