// dm-vdo after a power cut (docs/power-cut.md): what the next start's recovery would find
// (vdo-design.rst, recovery; docs/references.md#vdo-ordering). It reads the recovery journal's
// blocks that reached the media, up to the first one that did not (later blocks are past the
// journal's valid tail), and checks the two promises the ordering rules keep:
// 1. every journal entry's data is on the media (rule 1: each journal write carries
//    REQ_PREFLUSH, so the data writes it covers are stable before it);
// 2. the slab journals and the recovery journal agree (rule 2): a slab journal is read up to
//    its first missing block, and recovery replays into it the journal entries after the
//    latest entry it holds. An entry at or before that point that the slab journal does not
//    hold is a reference update lost for good: its block's count is wrong. Entries reach a
//    slab journal in journal order, so that cannot happen unless the order was broken.
// Not checked [R]: the block map pages (the model does not give them content).
import { mediaOf } from '../../block/power-cut.js';
import type { PowerCutRecovery } from '../target-registry.js';
import { VDO_SECTORS_PER_BLOCK } from './constants.js';
import type { Vdo } from './vdo.js';

export function recoverVdo(v: Vdo): PowerCutRecovery {
  const media = mediaOf(v.storage);
  if (media === null) return { consistent: true, problems: [], lost: {}, recovered: {}, summary: 'no power-cut model on the storage' };
  const tokenAt = (pbn: number) => media.cache.durableToken(media.offsetSectors + pbn * VDO_SECTORS_PER_BLOCK);
  // The recovery journal's valid blocks.
  let lastBlock = 0;
  for (let seq = 1; ; seq++) {
    const b = v.journalBlockTokens.get(seq);
    if (b === undefined || tokenAt(b.pbn) !== b.token) break;
    lastBlock = seq;
  }
  const entries = v.journalLog.upToBlock(lastBlock);
  const problems: string[] = [];
  // 1. The data of each entry (the last entry naming each block: a block may be reused).
  const lastWrite = new Map<number, (typeof entries)[number]>();
  // A tree page's entry is not about data: the page itself is written at its era's end.
  for (const e of entries) if (e.newPbn > 0 && e.newState === 1 && !e.treePage) lastWrite.set(e.newPbn, e);
  let missingData = 0;
  for (const [pbn, e] of lastWrite) {
    if (tokenAt(pbn) === e.fingerprint) continue;
    if (++missingData <= 3) problems.push(`journal entry ${e.entry} maps LBN ${e.lbn} to block ${pbn}, whose data never reached the media`);
  }
  // 2. Each slab journal against the recovery journal.
  let lostUpdates = 0;
  let slabBlocks = 0;
  for (const slab of v.depot.slabs) {
    if (slab.journalWritten.length === 0) continue;
    const held = new Set<number>();
    // Blocks before the journal's head were reaped: the reference blocks written before the
    // reap hold their updates [R: taken as on the media, not checked].
    let covered = 0;
    for (const b of slab.journalWritten.slice(0, slab.journal.head - 1)) for (const x of b.entries) covered = Math.max(covered, Math.floor(x / 2));
    let point = covered;
    for (const b of slab.journalWritten.slice(slab.journal.head - 1)) {
      if (tokenAt(b.pbn) !== b.token) break;
      slabBlocks++;
      for (const x of b.entries) {
        held.add(x);
        point = Math.max(point, Math.floor(x / 2));
      }
    }
    const inSlab = (pbn: number) => pbn > 0 && v.depot.slabOf(pbn) === slab;
    for (const e of entries) {
      if (e.entry > point || e.entry <= covered) continue;
      for (const [pbn, inc] of [[e.newPbn, 1], [e.mappedPbn, 0]] as const) {
        if (!inSlab(pbn) || held.has(e.entry * 2 + inc)) continue;
        if (++lostUpdates <= 3) problems.push(`slab ${slab.index}: the ${inc ? 'increment' : 'decrement'} of block ${pbn} for journal entry ${e.entry} is neither in the slab journal nor replayed (the slab journal already holds entry ${point})`);
      }
    }
  }
  if (missingData > 3) problems.push(`... ${missingData} journal entries in all whose data is missing`);
  if (lostUpdates > 3) problems.push(`... ${lostUpdates} reference updates lost in all`);
  const consistent = problems.length === 0;
  return {
    consistent,
    problems,
    lost: { journalEntries: v.journalLog.length - entries.length, referenceUpdates: lostUpdates, dataBlocks: missingData },
    recovered: { journalBlocks: lastBlock, journalEntries: entries.length, slabJournalBlocks: slabBlocks },
    summary: `vdo ${v.name}: recovery journal valid to block ${lastBlock} (${entries.length} of ${v.journalLog.length} entries), ${slabBlocks} slab-journal blocks; ` +
      (consistent ? 'reference counts and data agree with the journal' : `${lostUpdates} reference updates lost, ${missingData} entries without their data`),
  };
}
