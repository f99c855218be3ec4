// The write path of a data_vio (data-vio.c, dedupe.c, packer.c, recovery-journal.c,
// slab-depot.c, block-map.c; docs/references.md#vdo-write-steps, #vdo-ordering), step by step, each step on the thread that owns what it touches:
//   logical zone   attempt_logical_block_lock, find the block-map slot, flush-generation lock
//   physical zone  allocate_block
//   ack thread     acknowledge_write_callback (bio_endio; skipped for FUA writes, acked at the end)
//   cpu            hash_data_vio (MurmurHash3)
//   hash zone      vdo_acquire_hash_lock; the agent asks the index (UDS threads)
//     advice:      lock_duplicate_pbn (its physical zone), read it (bio thread), compare (cpu),
//                  finish_verifying (hash zone): a duplicate shares that block
//     no advice:   compress_data_vio (cpu, compression on), pack (packer, up to 14 fragments a
//                  block) or write_data_vio (bio thread)
//   logical zone   read_old_block_mapping
//   journal        journal_remapping: the entry; continues once its block is on disk (FUA)
//   physical zones increment (new block) and decrement (old block), concurrently, in journal order
//   logical zone   update_block_map (the rendezvous of both)
//   hash zone      vdo_continue_hash_lock (share the block with waiters; unlock the duplicate)
//   cleanup        release hash lock (hash zone) -> allocation (physical) -> logical lock and
//                  flush generation (logical zone) -> the pool's release queue (cpu, batched)
// Zero blocks and discards skip allocation, hashing and data I/O: ack, journal, decrement.
// A block-map tree page allocation (block-map-tree.ts) uses the same allocation, journal and
// reference steps, under its own step names, and returns to the logical zone's tree walk.
import { REQ_FUA, REQ_PREFLUSH, type Bio } from '../../block/bio.js';
import { blockFingerprint, bioCompressPercentage } from '../../block/bio-payload.js';
import type { VdoCompletion } from './completion.js';
import { VDO_BLOCK_SIZE, VDO_COMPRESSED_BLOCK_DATA_SIZE } from './constants.js';
import { DataVio, IO_COMPRESSED_WRITE, IO_VERIFY, IO_WRITE, ReferenceUpdate } from './data-vio.js';
import { HASH_LOCK_DEDUPING, HASH_LOCK_WRITING, HashLock, selectHashZone } from './hash-zone.js';
import type { PackerBin } from './packer.js';
import { runReferenceStep } from './reference-updates.js';
import { PRIORITY_HIGH, S } from './steps.js';
import type { Flush, Vdo } from './vdo.js';

/** launch_data_vio for a write or discard: what the block holds, then its logical zone. */
export function launchWrite(vdo: Vdo, dv: DataVio, bio: Bio): void {
  dv.write = true;
  if (bio.op === 'discard' || bio.op === 'write-zeroes') {
    dv.discard = bio.op === 'discard';
    dv.isZero = true;
    dv.remainingDiscard = Math.max(1, Math.ceil(bio.sectors / 8));
  } else {
    const fp = blockFingerprint(bio, 0);
    const cp = bioCompressPercentage(bio);
    dv.fingerprint = fp === null ? vdo.uniqueFingerprint() : fp;
    dv.isZero = fp === 0 && cp === 100;
    dv.compressedSize = Math.ceil((VDO_BLOCK_SIZE * (100 - cp)) / 100);
  }
  vdo.toLogical(dv, S.attemptLogicalBlockLock, dv.logicalZone);
}

/** update_metadata_for_data_vio_write: on to the logical zone for the old mapping. */
export function updateMetadataForWrite(vdo: Vdo, dv: DataVio): void {
  vdo.toLogical(dv, S.readOldBlockMapping, dv.logicalZone);
}

/** Runs a write-path step; false when `c`'s step is not one of these. */
export function runWriteStep(vdo: Vdo, c: VdoCompletion): boolean {
  if (runReferenceStep(vdo, c)) return true;
  switch (c.step) {
    case S.allocateBlock:
      allocateBlock(vdo, c as DataVio);
      return true;
    case S.allocateBlockMapPage: {
      // allocate_block (block-map.c): a block for the tree page, write-locked, then its journal entry.
      const dv = c as DataVio;
      const pbn = allocateInZones(vdo, dv);
      if (pbn === 0) {
        vdo.stats.noSpace++;
        vdo.toLogical(dv, S.finishBlockMapAllocation, dv.logicalZone);
        return true;
      }
      vdo.depot.zones[dv.allocationZone].pbnLocks.set(pbn, -1);
      dv.newPbn = pbn;
      dv.newState = 1;
      dv.mappedPbn = 0;
      vdo.toJournal(dv, S.journalBlockMapAllocation);
      return true;
    }
    case S.acknowledgeWrite: {
      const dv = c as DataVio;
      vdo.acknowledge(dv);
      if (dv.newPbn === 0 && dv.allocationPbn === 0 && dv.isZero) updateMetadataForWrite(vdo, dv);
      else vdo.toCpu(dv, S.hashDataVio);
      return true;
    }
    case S.hashDataVio: {
      const dv = c as DataVio;
      dv.hashZone = selectHashZone(dv.fingerprint, vdo.tc.hashZoneCount);
      vdo.toHash(dv, S.acquireHashLock);
      return true;
    }
    case S.acquireHashLock:
      acquireHashLock(vdo, c as DataVio);
      return true;
    case S.udsQuery: {
      const dv = c as DataVio;
      const advice = vdo.index.post(dv.fingerprint, dv.allocationPbn > 0 ? dv.allocationPbn * 16 + 1 : 0);
      dv.duplicatePbn = Math.floor(advice / 16);
      dv.duplicateState = advice % 16;
      vdo.toHash(dv, S.finishQuerying);
      return true;
    }
    case S.finishQuerying: {
      const dv = c as DataVio;
      if (dv.duplicatePbn > 0) vdo.toPhysical(dv, S.lockDuplicatePbn, vdo.depot.zoneOf(dv.duplicatePbn));
      else startWriting(vdo, dv);
      return true;
    }
    case S.lockDuplicatePbn:
      lockDuplicatePbn(vdo, c as DataVio);
      return true;
    case S.finishLocking: {
      const dv = c as DataVio;
      if (!dv.isDuplicate) {
        vdo.hashZones[dv.hashZone].adviceStale++;
        (dv.hashLock as HashLock).updateAdvice = true;
        startWriting(vdo, dv);
      } else {
        // start_verifying: read the candidate through a bio thread.
        dv.ioKind = IO_VERIFY;
        vdo.toBio(dv, dv.duplicatePbn, PRIORITY_HIGH);
      }
      return true;
    }
    case S.submitVio:
      vdo.submitVio(c);
      return true;
    case S.verifyCallback: {
      const dv = c as DataVio;
      dv.isDuplicate = vdo.content.get(dv.duplicatePbn * 16 + dv.duplicateState) === dv.fingerprint;
      vdo.toHash(dv, S.finishVerifying);
      return true;
    }
    case S.finishVerifying:
      finishVerifying(vdo, c as DataVio);
      return true;
    case S.compressDataVio: {
      const dv = c as DataVio;
      if (dv.compressedSize < VDO_COMPRESSED_BLOCK_DATA_SIZE) vdo.toPacker(dv, S.packCompressedData);
      else writeDataVio(vdo, dv);
      return true;
    }
    case S.packCompressedData:
      for (const bin of vdo.packer.add(c as DataVio)) writeBin(vdo, bin);
      return true;
    case S.readOldBlockMapping: {
      const dv = c as DataVio;
      const entry = vdo.blockMap.lookup(dv.lbn);
      dv.mappedPbn = Math.floor(entry / 16);
      dv.mappedState = entry % 16;
      vdo.toJournal(dv, S.journalRemapping);
      return true;
    }
    case S.journalRemapping:
    case S.journalBlockMapAllocation: {
      const dv = c as DataVio;
      const b = vdo.journal.add(dv);
      vdo.journalLog.push(dv.journalEntry, dv.journalBlock, dv.lbn, dv.newPbn, dv.newState, dv.mappedPbn, dv.fingerprint, dv.treeKey >= 0);
      if (b !== null) writeJournalBlock(vdo, b);
      return true;
    }
    case S.completeJournalWrite:
      completeJournalWrite(vdo, c as import('./completion.js').MetadataVio);
      return true;
    case S.pageWritten:
      return true;
    case S.updateBlockMap:
      updateBlockMap(vdo, c);
      return true;
    case S.continueHashLock:
      continueHashLock(vdo, c as DataVio);
      return true;
    case S.unlockDuplicatePbn: {
      const dv = c as DataVio;
      releasePbnReadLock(vdo, dv.duplicatePbn);
      vdo.toHash(dv, S.cleanHashLock);
      return true;
    }
    case S.cleanHashLock:
      cleanHashLock(vdo, c as DataVio);
      return true;
    case S.releaseAllocatedLock:
      releaseAllocatedLock(vdo, c as DataVio);
      return true;
    case S.releaseLogicalLock:
      releaseLogicalLock(vdo, c as DataVio);
      return true;
    case S.processReleaseCallback:
      processReleaseCallback(vdo);
      return true;
    case S.flushPacker: {
      const f = c as Flush;
      for (const bin of vdo.packer.flush()) writeBin(vdo, bin);
      vdo.flushes.push(f);
      vdo.completeFlushes();
      return true;
    }
    case S.completeFlush: {
      const f = c as Flush;
      f.bio.endio(vdo.sim, null);
      return true;
    }
    default:
      return false;
  }
}

/** vdo_allocate_block_in_zone: the next free block of this zone (or, when it is full, of the next ones); 0: none. */
function allocateInZones(vdo: Vdo, dv: DataVio): number {
  const zones = vdo.depot.zones;
  for (let k = 0; k < zones.length; k++) {
    const z = (dv.allocationZone + k) % zones.length;
    const pbn = vdo.depot.allocate(zones[z]);
    if (pbn > 0) {
      dv.allocationZone = z;
      return pbn;
    }
  }
  return 0;
}

/** allocate_block: a block for the data. */
function allocateBlock(vdo: Vdo, dv: DataVio): void {
  const zones = vdo.depot.zones;
  const pbn = allocateInZones(vdo, dv);
  if (pbn === 0) {
    // handle_allocation_error: no space, but the data may still deduplicate.
    vdo.stats.noSpace++;
    vdo.toCpu(dv, S.hashDataVio);
    return;
  }
  dv.allocationPbn = pbn;
  zones[dv.allocationZone].pbnLocks.set(pbn, -1); // the write lock
  dv.newPbn = pbn;
  dv.newState = 1;
  if (dv.fua) vdo.toCpu(dv, S.hashDataVio);
  else vdo.toAck(dv, S.acknowledgeWrite);
}

/** vdo_acquire_hash_lock: the agent of a new lock asks the index; others wait on the lock. */
function acquireHashLock(vdo: Vdo, dv: DataVio): void {
  const zone = vdo.hashZones[dv.hashZone];
  let lock = zone.lockOf(dv.fingerprint);
  if (lock !== undefined) {
    lock.holders++;
    dv.hashLock = lock;
    zone.concurrentDataMatches++;
    if (lock.state === HASH_LOCK_DEDUPING) launchDedupe(vdo, dv, lock);
    else lock.waiters.push(dv);
    return;
  }
  lock = zone.newLock(dv.fingerprint, dv);
  dv.hashLock = lock;
  if (vdo.config.deduplication) vdo.toUds(dv, S.udsQuery);
  else startWriting(vdo, dv);
}

/** lock_duplicate_pbn, in the candidate's physical zone: a read lock, if it can take a reference. */
function lockDuplicatePbn(vdo: Vdo, dv: DataVio): void {
  const zone = vdo.depot.zones[vdo.depot.zoneOf(dv.duplicatePbn)];
  const held = zone.pbnLocks.get(dv.duplicatePbn);
  const rc = vdo.depot.refcount(dv.duplicatePbn);
  dv.isDuplicate = held !== -1 && rc > 0 && rc !== 255 && vdo.depot.incrementLimit(dv.duplicatePbn) > 0;
  if (dv.isDuplicate) zone.pbnLocks.set(dv.duplicatePbn, (held ?? 0) + 1);
  vdo.toHash(dv, S.finishLocking);
}

function releasePbnReadLock(vdo: Vdo, pbn: number): void {
  const zone = vdo.depot.zones[vdo.depot.zoneOf(pbn)];
  const held = zone.pbnLocks.get(pbn) ?? 0;
  if (held > 1) zone.pbnLocks.set(pbn, held - 1);
  else if (held === 1) zone.pbnLocks.delete(pbn);
}

/** finish_verifying: a true duplicate is shared by the agent and every waiter; stale advice is written anew. */
function finishVerifying(vdo: Vdo, dv: DataVio): void {
  const lock = dv.hashLock as HashLock;
  const zone = vdo.hashZones[dv.hashZone];
  if (!dv.isDuplicate) {
    zone.adviceStale++;
    lock.updateAdvice = true;
    releasePbnReadLock(vdo, dv.duplicatePbn);
    dv.duplicatePbn = 0;
    startWriting(vdo, dv);
    return;
  }
  zone.adviceValid++;
  lock.state = HASH_LOCK_DEDUPING;
  lock.duplicatePbn = dv.duplicatePbn;
  lock.duplicateState = dv.duplicateState;
  launchDedupe(vdo, dv, lock);
  for (const w of lock.waiters.splice(0)) launchDedupe(vdo, w, lock);
}

/** launch_dedupe: this data_vio maps its LBN to the lock's block. */
function launchDedupe(vdo: Vdo, dv: DataVio, lock: HashLock): void {
  dv.isDuplicate = true;
  dv.newPbn = lock.duplicatePbn;
  dv.newState = lock.duplicateState;
  updateMetadataForWrite(vdo, dv);
}

/** start_writing: the agent compresses (compression on, no waiters) or writes its data. */
function startWriting(vdo: Vdo, dv: DataVio): void {
  const lock = dv.hashLock as HashLock;
  lock.state = HASH_LOCK_WRITING;
  lock.agent = dv;
  if (vdo.config.compression && !dv.fua && lock.waiters.length === 0) vdo.toCpu(dv, S.compressDataVio);
  else writeDataVio(vdo, dv);
}

/** write_data_vio: the data, whole, to the allocated block through its bio thread. */
function writeDataVio(vdo: Vdo, dv: DataVio): void {
  if (dv.allocationPbn === 0) {
    // No space and no duplicate: the write fails.
    failWrite(vdo, dv);
    return;
  }
  dv.ioKind = IO_WRITE;
  vdo.toBio(dv, dv.allocationPbn, 1);
}

/** The write fails for want of space (VDO_NO_SPACE): the bio ends with ENOSPC, the data_vio cleans up. */
export function failWrite(vdo: Vdo, dv: DataVio): void {
  dv.userBio?.endio(vdo.sim, 'ENOSPC');
  dv.acknowledged = true;
  completeDataVio(vdo, dv);
}

/** write_bin: a compressed block at the first fragment's allocation (one fragment: written whole). */
function writeBin(vdo: Vdo, bin: PackerBin): void {
  if (bin.fragments.length === 1) {
    writeDataVio(vdo, bin.fragments[0]);
    return;
  }
  const agent = bin.fragments[0];
  agent.ioKind = IO_COMPRESSED_WRITE;
  agent.bin = bin;
  vdo.toBio(agent, agent.allocationPbn, 1);
}

function writeJournalBlock(vdo: Vdo, b: import('./recovery-journal.js').JournalBlock): void {
  const pbn = vdo.journal.blockPbn(b);
  const token = vdo.token();
  vdo.journalBlockTokens.set(b.sequence, { pbn, token });
  vdo.metadataIo('write', pbn, REQ_PREFLUSH | REQ_FUA, S.completeJournalWrite, vdo.tc.journalThread, vdo.journalStructure(), b, 0, token);
}

/**
 * The journal block is on disk: every committed entry's data_vio continues, in journal order,
 * with a ticket for each slab journal it will touch; the block map's era moves on.
 */
function completeJournalWrite(vdo: Vdo, m: import('./completion.js').MetadataVio): void {
  const committed = vdo.journal.written(m.owner as import('./recovery-journal.js').JournalBlock);
  const zones = vdo.depot.zones;
  for (const dv of committed) {
    dv.incrementTicket = dv.newPbn > 0 ? ++zones[vdo.depot.zoneOf(dv.newPbn)].ticketsIssued : 0;
    dv.decrementTicket = dv.mappedPbn > 0 ? ++zones[vdo.depot.zoneOf(dv.mappedPbn)].ticketsIssued : 0;
  }
  if (vdo.journal.broken) vdo.journal.shuffle(committed);
  for (const dv of committed) {
    if (dv.treeKey >= 0) {
      // journal_block_map_allocation's continuation: the page's reference count.
      vdo.toPhysical(dv, S.setBlockMapPageReferenceCount, vdo.depot.zoneOf(dv.newPbn));
      continue;
    }
    // journal_remapping's continuation.
    dv.firstReferenceOperationComplete = dv.newPbn === 0 || dv.mappedPbn === 0;
    if (dv.newPbn > 0) vdo.toPhysical(dv, S.incrementReferenceCount, vdo.depot.zoneOf(dv.newPbn));
    if (dv.mappedPbn > 0) vdo.toPhysical(dv.decrement, S.decrementReferenceCount, vdo.depot.zoneOf(dv.mappedPbn));
    if (dv.newPbn === 0 && dv.mappedPbn === 0) vdo.toLogical(dv, S.updateBlockMap, dv.logicalZone);
  }
  const next = vdo.journal.close();
  if (next !== null) writeJournalBlock(vdo, next);
  // vdo_advance_block_map_era: pages older than the era length are written back.
  for (const zone of vdo.blockMap.zones) for (const page of vdo.blockMap.expired(zone, vdo.journal.committed)) vdo.writeBlockMapPage(zone.index, page);
}

/** update_block_map: the rendezvous of the two reference updates, then the new mapping. */
function updateBlockMap(vdo: Vdo, c: VdoCompletion): void {
  const dv = c instanceof ReferenceUpdate ? c.owner : (c as DataVio);
  if (!dv.firstReferenceOperationComplete) {
    dv.firstReferenceOperationComplete = true;
    return;
  }
  vdo.blockMap.put(vdo.blockMap.zones[dv.logicalZone], dv.lbn, dv.leafPbn, dv.newPbn * 16 + dv.newState, dv.journalEntry, vdo.journal.committed);
  if (dv.hashLock !== null) vdo.toHash(dv, S.continueHashLock);
  else completeDataVio(vdo, dv);
}

/** vdo_continue_hash_lock: the agent that wrote shares its block with the waiters; a verifying agent unlocks the candidate. */
function continueHashLock(vdo: Vdo, dv: DataVio): void {
  const lock = dv.hashLock as HashLock;
  if (lock.state === HASH_LOCK_WRITING && lock.agent === dv) {
    // finish_writing
    lock.state = HASH_LOCK_DEDUPING;
    lock.duplicatePbn = dv.newPbn;
    lock.duplicateState = dv.newState;
    for (const w of lock.waiters.splice(0)) launchDedupe(vdo, w, lock);
    if (lock.updateAdvice) vdo.index.update(lock.name, dv.newPbn * 16 + dv.newState);
  }
  if (dv.isDuplicate && dv.duplicatePbn > 0 && lock.agent === dv) {
    // start_unlocking: the agent drops the read lock on the candidate in its zone.
    vdo.toPhysical(dv, S.unlockDuplicatePbn, vdo.depot.zoneOf(dv.duplicatePbn));
    return;
  }
  cleanHashLock(vdo, dv);
}

/** complete_data_vio -> perform_cleanup_stage */
export function completeDataVio(vdo: Vdo, dv: DataVio): void {
  if (dv.hashLock !== null) vdo.toHash(dv, S.cleanHashLock);
  else if (dv.allocationPbn > 0) vdo.toPhysical(dv, S.releaseAllocatedLock, dv.allocationZone);
  else vdo.toLogical(dv, S.releaseLogicalLock, dv.logicalZone);
}

function cleanHashLock(vdo: Vdo, dv: DataVio): void {
  const lock = dv.hashLock as HashLock;
  dv.hashLock = null;
  if (--lock.holders === 0) vdo.hashZones[dv.hashZone].releaseLock(lock);
  completeDataVio(vdo, dv);
}

/** release_allocated_lock: an allocation the data_vio did not use goes back (its provisional reference). */
function releaseAllocatedLock(vdo: Vdo, dv: DataVio): void {
  const zone = vdo.depot.zones[dv.allocationZone];
  if (zone.pbnLocks.get(dv.allocationPbn) === -1) zone.pbnLocks.delete(dv.allocationPbn);
  if (dv.newPbn !== dv.allocationPbn) vdo.depot.releaseProvisional(dv.allocationPbn);
  dv.allocationPbn = 0;
  completeDataVio(vdo, dv);
}

/** release_logical_lock: the next waiter for the LBN gets the lock; a discard moves to its next block. */
function releaseLogicalLock(vdo: Vdo, dv: DataVio): void {
  const next = dv.lbnWaitHead;
  if (next === null) vdo.lbnLocks.delete(dv.lbn);
  else {
    // transfer_lock: the first waiter holds it now, the others wait on it.
    vdo.lbnLocks.set(dv.lbn, next.index);
    next.lbnWaitHead = next.lbnNextWaiter;
    next.lbnWaitTail = next.lbnWaitHead === null ? null : dv.lbnWaitTail;
    next.lbnNextWaiter = null;
    next.requeue = true;
    vdo.toLogical(next, S.attemptLogicalBlockLock, next.logicalZone);
  }
  dv.lbnWaitHead = dv.lbnWaitTail = null;
  vdo.releaseFlushGeneration(dv);
  if (dv.write) {
    if (dv.fua) vdo.acknowledge(dv);
    vdo.countWrite(dv);
  } else {
    vdo.stats.readsCompleted++;
  }
  if (dv.remainingDiscard > 1) {
    // finish_cleanup of a multi-block discard: the same data_vio takes the next block.
    const bio = dv.userBio as Bio;
    const remaining = dv.remainingDiscard - 1;
    const lbn = dv.lbn + 1;
    dv.reset();
    dv.userBio = bio;
    dv.write = dv.discard = dv.isZero = true;
    dv.remainingDiscard = remaining;
    dv.lbn = lbn;
    dv.logicalZone = vdo.blockMap.zoneOf(lbn);
    dv.requeue = true;
    vdo.toLogical(dv, S.attemptLogicalBlockLock, dv.logicalZone);
    return;
  }
  if (dv.discard) vdo.acknowledge(dv);
  vdo.finishCleanup(dv);
}

/** The pool's release callback (cpu thread): up to DATA_VIO_RELEASE_BATCH_SIZE data_vios a pass. */
function processReleaseCallback(vdo: Vdo): void {
  const pool = vdo.pool;
  pool.releaseScheduled = false;
  for (let n = 0; n < 128; n++) {
    const dv = pool.released.shift();
    if (dv === undefined) break;
    const w = pool.release(dv);
    if (w !== null) vdo.launchWaiter(dv, w);
  }
  if (pool.released.length > 0) {
    pool.releaseScheduled = true;
    vdo.poolRelease.requeue = true;
    vdo.toCpu(vdo.poolRelease, S.processReleaseCallback, 0);
  }
}
