import { expect } from 'chai';
import { JournalLog } from '../../../kernel-lib/dm/vdo/journal-log.js';

describe('dm/vdo journal log', () => {
  it('JournalLog gives back what was pushed, across growth, and the prefix up to a block', () => {
    const log = new JournalLog();
    for (let i = 1; i <= 5000; i++) log.push(i, Math.ceil(i / 311), i * 3, i + 100, i % 16, i % 7, 2 ** 52 + i, i % 5 === 0);
    expect(log.length).to.equal(5000);
    expect(log.at(4321)).to.deep.equal({ entry: 4322, block: Math.ceil(4322 / 311), lbn: 4322 * 3, newPbn: 4422, newState: 4322 % 16, mappedPbn: 4322 % 7, fingerprint: 2 ** 52 + 4322, treePage: false });
    const upTo = log.upToBlock(3);
    expect(upTo.length).to.equal(933);
    expect(upTo[932].entry).to.equal(933);
  });
});
