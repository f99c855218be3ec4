// dm-snapshot's pending_pool (mempool_create_slab_pool(MIN_IOS = 256)): alloc_pending_exception
// waits only under memory pressure (`snapshot.memoryPressure`), and then no more than 256
// exceptions are pending at once; without pressure nothing waits and nothing is bounded.
import { expect } from 'chai';
import { PENDING_MIN_IOS } from '../../../kernel-lib/dm/snapshot/snapshot.js';
import { snapStack } from './helpers.js';

/** 400 origin writes to distinct 4 KiB chunks, all at once, on the 5.0 preset; 10 ms devices, so all are in flight together. */
function burst(memoryPressure: boolean) {
  const s = snapStack({ store: 'N', chunk: 8, params: { kernel: '5.0', 'snapshot.memoryPressure': memoryPressure }, originSectors: 1 << 14, cowSectors: 1 << 14, serviceNs: 10_000_000 });
  const bios = Array.from({ length: 400 }, (_, i) => s.io(s.base, 'write', i * 8, 8));
  s.sim.run();
  return { s, bios, snap: s.target.snap };
}

describe('dm-snapshot pending_pool (the pending-exception mempool)', function () {
  this.timeout(0);

  it('without memory pressure: no allocation waits, 400 exceptions pending at once', () => {
    const { bios, snap } = burst(false);
    expect(bios.every((b) => b.tComplete > 0)).to.equal(true);
    expect(snap.pendingPool.waits).to.equal(0);
    expect(snap.pending.maxSize).to.equal(400);
    expect(snap.pendingPool.inUse).to.equal(0);
  });

  it(`under memory pressure: at most ${PENDING_MIN_IOS} pending, the other writes sleep in mempool_alloc, all complete`, () => {
    const { bios, snap } = burst(true);
    expect(bios.every((b) => b.tComplete > 0)).to.equal(true);
    expect(snap.pending.maxSize).to.equal(PENDING_MIN_IOS);
    expect(snap.pendingPool.maxInUse).to.equal(PENDING_MIN_IOS);
    expect(snap.pendingPool.waits).to.equal(400 - PENDING_MIN_IOS);
    expect(snap.pendingPool.inUse).to.equal(0);
    expect(snap.pendingPool.reserve).to.equal(PENDING_MIN_IOS);
    expect(snap.counters.exceptionsCompleted).to.equal(400);
  });
});
