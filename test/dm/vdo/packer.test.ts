import { expect } from 'chai';
import { DataVio } from '../../../kernel-lib/dm/vdo/data-vio.js';
import { Packer } from '../../../kernel-lib/dm/vdo/packer.js';

function fragment(i: number, size: number): DataVio {
  const d = new DataVio(i);
  d.compressedSize = size;
  return d;
}

describe('dm/vdo packer', () => {
  it('writes a bin when its 14 slots are used', () => {
    const p = new Packer();
    const out = Array.from({ length: 14 }, (_, i) => p.add(fragment(i, 100)));
    expect(out.slice(0, 13).every((o) => o.length === 0)).to.equal(true);
    expect(out[13]).to.have.length(1);
    expect(out[13][0].fragments.map((f) => f.index)).to.deep.equal(Array.from({ length: 14 }, (_, i) => i));
    expect(p.fragmentsInPacker).to.equal(0);
  });

  it('puts a fragment in the fullest bin it fits in, and a flush writes every non-empty bin', () => {
    const p = new Packer();
    p.add(fragment(0, 3000));
    p.add(fragment(1, 500));
    p.add(fragment(2, 500)); // fits in the first bin (3500 used) better than in an empty one
    const bins = p.flush();
    expect(bins.map((b) => b.fragments.map((f) => f.index))).to.deep.equal([[0, 1, 2]]);
  });
});
