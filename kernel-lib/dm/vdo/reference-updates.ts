// The reference-count updates of a committed recovery-journal entry (slab-depot.c
// vdo_modify_reference_count, data-vio.c increment/decrement_reference_count; block-map.c
// set_block_map_page_reference_count), in each block's physical zone, in journal order, and
// the write-back they cause (slab-journal.ts: reference blocks written as the slab journal
// needs room, the journal reaped after a flush, entries waiting while it is too full).
// docs/references.md#vdo-ordering, #vdo-refcount-writeback.
import { REQ_PREFLUSH } from '../../block/bio.js';
import type { MetadataVio, VdoCompletion } from './completion.js';
import { type DataVio, ReferenceUpdate } from './data-vio.js';
import type { PhysicalZone, Slab } from './slab-depot.js';
import { S } from './steps.js';
import type { Vdo } from './vdo.js';

/** Runs a reference step; false when `c`'s step is not one of these. */
export function runReferenceStep(vdo: Vdo, c: VdoCompletion): boolean {
  switch (c.step) {
    case S.incrementReferenceCount:
    case S.decrementReferenceCount:
    case S.setBlockMapPageReferenceCount:
      modifyReferenceCount(vdo, c);
      return true;
    case S.slabJournalWritten:
      return true;
    case S.referenceBlockWritten: {
      // finish_reference_block_write: the lock goes; a reap may start (a flush first).
      const m = c as MetadataVio;
      const slab = m.owner as Slab;
      if (slab.journal.written(m.key)) reapFlush(vdo, slab, m);
      return true;
    }
    case S.slabJournalReaped: {
      // complete_reaping: the head moves; waiting entries go in while there is room; reap again.
      const m = c as MetadataVio;
      const slab = m.owner as Slab;
      slab.journal.finishReap();
      const zone = vdo.depot.zones[slab.zone];
      for (let w = slab.journal.waiters.peek(); w !== undefined && !slab.journal.requiresReaping(); w = slab.journal.waiters.peek()) {
        slab.journal.waiters.shift();
        vdo.ctx.chargeNs += vdo.params.costs.stepNs;
        addReferenceEntry(vdo, zone, slab, w);
      }
      if (slab.journal.startReap()) reapFlush(vdo, slab, m);
      return true;
    }
    default:
      return false;
  }
}

/** reap_slab_journal's flush (no journal block is reused before the reference writes are stable). */
function reapFlush(vdo: Vdo, slab: Slab, m: MetadataVio): void {
  vdo.metadataIo('flush', slab.start, REQ_PREFLUSH, S.slabJournalReaped, m.doneThread, m.doneStructure, slab);
}

/**
 * increment_reference_count / decrement_reference_count, in the block's physical zone, in
 * journal order. Under structure-locking an update ahead of its turn parks; the update that
 * fills the gap applies the parked ones that follow it while it holds the zone's lock (a step's
 * CPU each). The thread designs never get one out of turn unless the order is broken on
 * purpose, which is then counted.
 */
function modifyReferenceCount(vdo: Vdo, c: VdoCompletion): void {
  const zone = vdo.depot.zones[vdo.depot.zoneOf(updatePbn(c))];
  const enforce = vdo.params.threads === 'structure-locking' && vdo.params.journalOrder === 'kept';
  const ticket = updateTicket(c);
  if (enforce && ticket !== zone.nextTicket) {
    zone.parks++;
    zone.parked.set(ticket, c);
    return;
  }
  applyReferenceUpdate(vdo, zone, c);
  if (!enforce) return;
  for (let next = zone.parked.get(zone.nextTicket); next !== undefined; next = zone.parked.get(zone.nextTicket)) {
    zone.parked.delete(zone.nextTicket);
    vdo.ctx.chargeNs += vdo.params.costs.stepNs;
    applyReferenceUpdate(vdo, zone, next);
  }
}

function updateOwner(c: VdoCompletion): DataVio {
  return c.step !== S.decrementReferenceCount ? (c as DataVio) : (c as ReferenceUpdate).owner;
}

function updatePbn(c: VdoCompletion): number {
  return c.step !== S.decrementReferenceCount ? updateOwner(c).newPbn : updateOwner(c).mappedPbn;
}

function updateTicket(c: VdoCompletion): number {
  return c.step !== S.decrementReferenceCount ? updateOwner(c).incrementTicket : updateOwner(c).decrementTicket;
}

/**
 * vdo_modify_reference_count: the slab-journal entry and the count, then on to the block map;
 * a new tree page's count goes to the maximum (set_block_map_page_reference_count), its write
 * lock goes (release_block_map_write_lock) and the tree walk resumes in the logical zone.
 */
function applyReferenceUpdate(vdo: Vdo, zone: PhysicalZone, c: VdoCompletion): void {
  const ticket = updateTicket(c);
  if (ticket < zone.nextTicket) zone.outOfOrder++;
  zone.nextTicket = Math.max(zone.nextTicket, ticket + 1);
  const slab = vdo.depot.slabOf(updatePbn(c));
  if (slab.journal.waiters.length > 0 || slab.journal.requiresReaping()) {
    // requires_reaping: the entry waits for room, behind those already waiting (journal order).
    slab.journal.blockedEntries++;
    slab.journal.waiters.push(c);
    return;
  }
  addReferenceEntry(vdo, zone, slab, c);
}

/** The entry and the count; the journal's room reclaimed if need be; on to the block map (or the tree walk). */
function addReferenceEntry(vdo: Vdo, zone: PhysicalZone, slab: Slab, c: VdoCompletion): void {
  const inc = c.step !== S.decrementReferenceCount;
  const treePage = c.step === S.setBlockMapPageReferenceCount;
  const dv = updateOwner(c);
  const pbn = updatePbn(c);
  if (inc) zone.increments++;
  else zone.decrements++;
  slab.journalCurrent.push(dv.journalEntry * 2 + (inc ? 1 : 0));
  if (vdo.depot.adjust(pbn, inc, treePage)) {
    vdo.stats.slabJournalBlocksWritten++;
    const at = vdo.depot.journalBlockPbn(pbn);
    const token = vdo.token();
    slab.journalWritten.push({ token, pbn: at, entries: slab.journalCurrent });
    slab.journalCurrent = [];
    vdo.metadataIo('write', at, 0, S.slabJournalWritten, c.thread, c.structure, null, 0, token);
  }
  for (const rb of slab.journal.reclaim()) {
    vdo.stats.referenceBlocksWritten++;
    vdo.metadataIo('write', vdo.depot.referenceBlockPbn(slab, rb), REQ_PREFLUSH, S.referenceBlockWritten, c.thread, c.structure, slab, rb);
  }
  if (treePage) {
    zone.pbnLocks.delete(pbn);
    vdo.toLogical(dv, S.finishBlockMapAllocation, dv.logicalZone);
    return;
  }
  if (inc && dv.newState >= 2 && dv.newPbn === dv.allocationPbn) zone.pbnLocks.delete(pbn);
  vdo.toLogical(c, S.updateBlockMap, dv.logicalZone);
}

