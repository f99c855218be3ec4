// A logical zone's part of a data_vio's way in (data-vio.c, logical-zone.c, block-map.c): the
// LBN lock (a second request for the same LBN waits behind the holder, which hands the lock on
// when it finishes), the block-map slot (the tree walk of block-map-tree.ts, allocating missing
// pages for a write, then the leaf page from the zone's cache, or read through a bio thread
// while the data_vios that need it wait), then, for a write, the flush-generation lock and on to
// allocation, or, for a zero block or discard, straight to the acknowledgement; a discard under
// an unallocated leaf has nothing to do.
import type { BlockMapZone } from './block-map.js';
import { finishBlockMapAllocation, findBlockMapSlot, treePageLoaded } from './find-block-map-slot.js';
import type { MetadataVio } from './completion.js';
import { VDO_BLOCK_MAP_ENTRIES_PER_PAGE } from './constants.js';
import type { DataVio } from './data-vio.js';
import { readBlock } from './read-path.js';
import { S } from './steps.js';
import type { Vdo } from './vdo.js';
import { completeDataVio, failWrite, updateMetadataForWrite } from './write-path.js';

/** attempt_logical_block_lock, then vdo_find_block_map_slot and the flush generation. */
export function attemptLogicalBlockLock(vdo: Vdo, dv: DataVio): void {
  const holder = vdo.lbnLocks.getOr(dv.lbn, -1);
  if (holder < 0) vdo.lbnLocks.set(dv.lbn, dv.index);
  else if (holder !== dv.index) {
    // Waits for the holder, behind the others (transfer_lock relaunches it).
    const h = vdo.pool.all[holder];
    dv.lbnNextWaiter = null;
    if (h.lbnWaitTail === null) h.lbnWaitHead = dv;
    else h.lbnWaitTail.lbnNextWaiter = dv;
    h.lbnWaitTail = dv;
    return;
  }
  findBlockMapSlot(vdo, dv, getLeafPage);
}

/** The tree steps that come back to the logical zone; false when `c`'s step is not one of them. */
export function runLogicalStep(vdo: Vdo, c: import('./completion.js').VdoCompletion): boolean {
  switch (c.step) {
    case S.attemptLogicalBlockLock:
      attemptLogicalBlockLock(vdo, c as DataVio);
      return true;
    case S.pageLoaded:
      pageLoaded(vdo, c as MetadataVio);
      return true;
    case S.treePageLoaded:
      treePageLoaded(vdo, c as MetadataVio, getLeafPage);
      return true;
    case S.finishBlockMapAllocation:
      finishBlockMapAllocation(vdo, c as DataVio, getLeafPage, failWrite);
      return true;
    default:
      return false;
  }
}

/** The slot is found: the leaf page from the cache, or read (an unallocated leaf maps nothing). */
function getLeafPage(vdo: Vdo, dv: DataVio): void {
  if (dv.leafPbn === 0) {
    continueWithBlockMapSlot(vdo, dv);
    return;
  }
  const zone = vdo.blockMap.zones[dv.logicalZone];
  const page = Math.floor(dv.lbn / VDO_BLOCK_MAP_ENTRIES_PER_PAGE);
  const r = vdo.blockMap.getPage(zone, page, dv.leafPbn, dv);
  if (r.evicted >= 0) vdo.writeBlockMapPage(dv.logicalZone, r.evicted);
  if (!r.ready) {
    if (r.startRead) vdo.metadataIo('read', dv.leafPbn, 0, S.pageLoaded, vdo.tc.logicalThreads[dv.logicalZone], vdo.logicalStructure(dv.logicalZone), zone, page);
    return;
  }
  continueWithBlockMapSlot(vdo, dv);
}

/** A leaf page arrived: into the cache, and its waiters continue. */
function pageLoaded(vdo: Vdo, m: MetadataVio): void {
  const zone = m.owner as BlockMapZone;
  const waiters = zone.loading.get(m.key) ?? [];
  zone.loading.delete(m.key);
  const evicted = vdo.blockMap.insert(zone, m.key, m.pbn);
  if (evicted >= 0) vdo.writeBlockMapPage(zone.index, evicted);
  for (const dv of waiters) continueWithBlockMapSlot(vdo, dv);
}

/** continue_data_vio_with_block_map_slot */
export function continueWithBlockMapSlot(vdo: Vdo, dv: DataVio): void {
  if (dv.read) {
    readBlock(vdo, dv);
    return;
  }
  if (dv.leafPbn === 0) {
    // A discard under an unallocated leaf page: nothing is mapped, nothing to do.
    completeDataVio(vdo, dv);
    return;
  }
  vdo.acquireFlushGeneration(dv);
  if (!dv.isZero) {
    dv.allocationZone = vdo.nextAllocationZone(dv.logicalZone);
    vdo.toPhysical(dv, S.allocateBlock, dv.allocationZone);
    return;
  }
  dv.newPbn = 0;
  dv.newState = 0;
  if (dv.remainingDiscard > 1 || dv.fua) updateMetadataForWrite(vdo, dv);
  else vdo.toAck(dv, S.acknowledgeWrite);
}

