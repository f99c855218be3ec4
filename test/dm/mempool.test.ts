// mempool_alloc / mempool_free (kernel-lib/dm/mempool.ts): the allocator serves first, the
// reserve only when it fails, and then a sleeper waits for a free.
import { expect } from 'chai';
import { Mempool } from '../../kernel-lib/dm/mempool.js';
import { Simulation } from '../../kernel-lib/sim/index.js';

describe('dm/mempool', () => {
  it('without memory pressure never waits and bounds nothing (the slab serves every element)', () => {
    const pool = new Mempool(new Simulation({ seed: 1 }), 2, false);
    for (let i = 0; i < 10; i++) expect(pool.alloc()).to.equal(null);
    expect(pool.inUse).to.equal(10);
    expect(pool.reserve).to.equal(2);
    for (let i = 0; i < 10; i++) pool.free();
    expect(pool.reserve).to.equal(2);
    expect(pool.waits).to.equal(0);
  });

  it('under pressure serves min_nr from the reserve, then sleepers get freed elements in order', () => {
    const sim = new Simulation({ seed: 1 });
    const pool = new Mempool(sim, 2, true);
    expect(pool.alloc()).to.equal(null);
    expect(pool.alloc()).to.equal(null);
    const a = pool.alloc();
    const b = pool.alloc();
    expect(a).to.not.equal(null);
    expect(pool.waits).to.equal(2);
    expect(pool.inUse).to.equal(2);
    pool.free(); // refills the reserve: handed to the first sleeper
    expect(a!.triggered).to.equal(true);
    expect(b!.triggered).to.equal(false);
    expect(pool.inUse).to.equal(2);
    pool.free();
    expect(b!.triggered).to.equal(true);
    pool.free();
    pool.free();
    expect(pool.reserve).to.equal(2);
    expect(pool.maxInUse).to.equal(2);
    expect(() => pool.free()).to.throw(/not allocated/);
  });
});
