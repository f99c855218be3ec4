import { expect } from 'chai';
import { DataVio } from '../../../kernel-lib/dm/vdo/data-vio.js';
import { RecoveryJournal } from '../../../kernel-lib/dm/vdo/recovery-journal.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';

describe('dm/vdo recovery journal', () => {
  it('writes at once when no write is in flight, batches while one is, and commits blocks in order', () => {
    const j = new RecoveryJournal(100, false, new Simulation({ seed: 1 }).rng('j'));
    const dvs = Array.from({ length: 400 }, (_, i) => new DataVio(i));
    const first = j.add(dvs[0]);
    expect(first).to.not.equal(null);
    // While the first block is in flight, entries gather; the 311th closes the block.
    const written: (ReturnType<typeof j.add>)[] = [];
    for (let i = 1; i < 400; i++) written.push(j.add(dvs[i]));
    const second = written.find((b) => b !== null)!;
    expect(second.waiters).to.have.length(311);
    expect(j.active.waiters).to.have.length(400 - 1 - 311);
    // The second block's write ends first: nothing commits before the first does.
    expect(j.written(second)).to.deep.equal([]);
    const committed = j.written(first!);
    expect(committed.map((d) => d.journalEntry)).to.deep.equal(Array.from({ length: 312 }, (_, i) => i + 1));
    expect(j.committed).to.equal(second.sequence);
  });
});
