import { expect } from 'chai';
import { MruList, type RemapOwner } from '../../../kernel-lib/dm/userspace/remap-allocator.js';
import { DMU_FLAG_VALID } from '../../../kernel-lib/dm/userspace/protocol.js';
import type { DmuMap } from '../../../kernel-lib/dm/userspace/remap.js';

describe('dm/userspace remap allocator and the MRU list', () => {
  it('a hit moves a remap to the head; when memory is short the LRU remap is stolen from its owner', () => {
    const mru = new MruList();
    const forgotten: DmuMap[] = [];
    const owner: RemapOwner = { forget: (m) => forgotten.push(m) };
    const made = [0, 1, 2].map((b) => {
      const m = mru.alloc(3)!;
      m.init(owner);
      m.orgBlock = b;
      m.flags |= DMU_FLAG_VALID;
      return m;
    });
    mru.hit(made[0]); // allocated at the tail: 0, 1, 2; the hit moves 0 to the head, 2 stays last
    expect(mru.head).to.equal(made[0]);
    expect(mru.tail).to.equal(made[2]);
    const stolen = mru.alloc(3);
    expect(stolen).to.equal(made[2]);
    expect(forgotten).to.deep.equal([made[2]]);
    expect(mru.steals).to.equal(1);
    expect(mru.allocated).to.equal(3);
    expect(mru.head).to.equal(made[2]);
  });

  it('a freed remap goes to the tail and is the first taken; an in-use remap not yet valid cannot be stolen', () => {
    const mru = new MruList();
    const owner: RemapOwner = { forget: () => {} };
    const a = mru.alloc(2)!;
    a.init(owner);
    const b = mru.alloc(2)!;
    b.init(owner);
    mru.hit(b);
    mru.hit(a);
    // a at the head, b at the tail, both in use and not valid.
    expect(mru.alloc(2)).to.equal(null);
    expect(mru.stealFailures).to.equal(1);
  });
});
