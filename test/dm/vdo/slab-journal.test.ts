// The slab journal's room and the reference-block write-back (slab-journal.ts) against the
// kernel's arithmetic (encodings.c vdo_configure_slab, slab-depot.c reclaim_journal_space,
// reap_slab_journal). [validates]: mechanism, nothing fitted.
import { expect } from 'chai';
import { DEFAULT_VDO_SLAB_JOURNAL_SIZE, SLAB_JOURNAL_ENTRIES_PER_BLOCK } from '../../../kernel-lib/dm/vdo/constants.js';
import { SlabDepot } from '../../../kernel-lib/dm/vdo/slab-depot.js';
import { COUNTS_PER_BLOCK, slabJournalThresholds } from '../../../kernel-lib/dm/vdo/slab-journal.js';

describe('dm/vdo slab journal and reference-block write-back', () => {
  it('[validates] thresholds of a 224-block journal: flush at 168 (3/4), deadline 203, block at 208', () => {
    expect(slabJournalThresholds(DEFAULT_VDO_SLAB_JOURNAL_SIZE)).to.deep.equal({ flushing: 168, blocking: 208, deadline: 203 });
  });

  it('[validates] a 2 GiB slab: 130 reference blocks of 4032 counts, the rest data', () => {
    const depot = new SlabDepot(0, 524288, 2048, 1);
    expect(depot.referenceBlocksPerSlab).to.equal(Math.ceil((524288 - 224) / COUNTS_PER_BLOCK));
    expect(depot.referenceBlocksPerSlab).to.equal(130);
    expect(depot.dataBlocksPerSlab).to.equal(524288 - 224 - 130);
  });

  it('[validates] no reference block is written before the flushing threshold; past the deadline all dirty ones are; written blocks let the head move', () => {
    const depot = new SlabDepot(0, 524288, 2048, 1);
    const slab = depot.slabs[0];
    const j = slab.journal;
    const zone = depot.zones[0];
    const firstWrite: number[] = [];
    let written = 0;
    // Allocate and reference blocks across the slab, one entry each, until the journal is at the deadline.
    for (let n = 0; j.length < 204; n++) {
      const pbn = depot.allocate(zone);
      depot.adjust(pbn, true);
      const out = j.reclaim();
      if (out.length > 0 && firstWrite.length === 0) firstWrite.push(j.length);
      written += out.length;
    }
    expect(firstWrite).to.deep.equal([168]);
    // Past the deadline every dirty reference block is being written; the only ones still dirty
    // were dirtied again during their write (they go after it).
    expect(written).to.be.greaterThan(0);
    for (const rb of j.dirty.keys()) expect(j.writing.has(rb)).to.equal(true);
    expect(j.head).to.equal(1);
    expect(j.requiresReaping()).to.equal(false);
    // The writes end: their locks go, a reap frees every block up to the oldest one a dirty block still locks.
    let reap = false;
    for (const rb of [...j.writing.keys()]) reap = j.written(rb) || reap;
    expect(reap).to.equal(true);
    // complete_reaping reaps again (each reap after its own flush) until the head block is locked.
    while (j.reaping) {
      j.finishReap();
      j.startReap();
    }
    const oldestLock = Math.min(j.tail, ...j.dirty.values());
    expect(j.head).to.equal(oldestLock);
    expect(j.head).to.be.greaterThan(168);
    expect(j.reaps).to.be.greaterThan(1);
    // Entries per journal block: 4056 bytes of 3-byte entries.
    expect(SLAB_JOURNAL_ENTRIES_PER_BLOCK).to.equal(1352);
  });

  it('[validates] with no reference write ending, new entries must wait at the blocking threshold', () => {
    const depot = new SlabDepot(0, 524288, 2048, 1);
    const slab = depot.slabs[0];
    const j = slab.journal;
    const zone = depot.zones[0];
    while (!j.requiresReaping()) {
      depot.adjust(depot.allocate(zone), true);
      j.reclaim();
    }
    expect(j.length).to.equal(208);
    // The head block is still locked by reference blocks being written: no reap.
    expect(j.startReap()).to.equal(false);
  });
});
