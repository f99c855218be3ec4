import { expect } from 'chai';
import { DmuMap } from '../../../kernel-lib/dm/userspace/remap.js';
import { RemapList } from '../../../kernel-lib/dm/userspace/remap-list.js';

const remap = (block: number): DmuMap => {
  const m = new DmuMap();
  m.orgBlock = block;
  return m;
};

describe('dm/userspace remap list (the earlier store)', () => {
  it('the list store looks at every remap before the one it finds, and at all of them on a miss', () => {
    const l = new RemapList();
    for (let b = 0; b < 500; b++) l.insert(remap(b));
    l.find(250);
    expect(l.visits).to.equal(251);
    expect(l.find(10_000)).to.equal(null);
    expect(l.visits).to.equal(500);
  });
});
