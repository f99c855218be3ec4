import { expect } from 'chai';
import { discardSplitSectors } from '../../kernel-lib/dm/mapped-device.js';

describe('dm/mapped-device discard splitting (blk_bio_discard_split)', () => {
  const limits = { maxSectors: 100, granularity: 8 }; // 100 rounds down to 96

  it('leaves a discard no longer than max_discard_sectors whole, wherever it starts', () => {
    expect(discardSplitSectors(limits, 4, 96)).to.equal(96);
    expect(discardSplitSectors(limits, 3, 10)).to.equal(10);
  });

  it('cuts a longer one at max_discard_sectors, moved back to end on a granularity boundary', () => {
    expect(discardSplitSectors(limits, 0, 200)).to.equal(96);
    // 4 + 96 = 100 is 4 past a boundary: the piece ends at 96, 92 sectors long.
    expect(discardSplitSectors(limits, 4, 200)).to.equal(92);
    expect((4 + discardSplitSectors(limits, 4, 200)) % 8).to.equal(0);
  });
});
