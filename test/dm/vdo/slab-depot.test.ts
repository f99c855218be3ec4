import { expect } from 'chai';
import { PROVISIONAL_REFERENCE_COUNT, SlabDepot } from '../../../kernel-lib/dm/vdo/slab-depot.js';

describe('dm/vdo slab depot', () => {
  it('cuts the storage into slabs dealt to the zones in turn, allocates in order, counts references', () => {
    const d = new SlabDepot(1000, 10 * 2048, 8, 2); // 8 MiB slabs: 2048 blocks
    expect(d.slabs).to.have.length(10);
    expect(d.zones[0].slabs.map((s) => s.index)).to.deep.equal([0, 2, 4, 6, 8]);
    const a = d.allocate(d.zones[1]);
    const b = d.allocate(d.zones[1]);
    expect([a, b]).to.deep.equal([1000 + 2048, 1000 + 2048 + 1]);
    expect(d.refcount(a)).to.equal(PROVISIONAL_REFERENCE_COUNT);
    d.adjust(a, true);
    d.adjust(a, true);
    expect(d.refcount(a)).to.equal(2);
    d.releaseProvisional(b);
    expect(d.refcount(b)).to.equal(0);
    expect(d.allocate(d.zones[1])).to.equal(b + 1); // the cursor moves on; b comes back on the next pass
    d.adjust(a, false);
    d.adjust(a, false);
    expect(d.refcount(a)).to.equal(0);
    expect(d.usedBlocks()).to.equal(1);
  });
});
