import { expect } from 'chai';
import { OpaqueBlock } from '../../../kernel-lib/dm/persistent-data/index.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { makeMetadata } from './helpers.js';

describe('dm/persistent-data block manager', () => {
  it('block locks: readers share, a writer waits for them, a reader behind a waiting writer waits too (FIFO)', () => {
    const sim = new Simulation();
    const { md } = makeMetadata(sim, { serviceNs: 0 });
    const got: Record<string, number> = {};
    sim.process(function* () {
      const b = yield* md.bm.writeLockZero(5, new OpaqueBlock('x'));
      yield* md.bm.unlock(b);
      const r = yield* md.bm.readLock(5);
      got.a = sim.now;
      yield sim.timeout(1_000_000);
      yield* md.bm.unlock(r);
    });
    sim.process(function* () {
      yield sim.timeout(100_000);
      const r = yield* md.bm.readLock(5); // shares with A
      got.a2 = sim.now;
      yield* md.bm.unlock(r);
      yield sim.timeout(400_000);
      const w = yield* md.bm.writeLock(5); // waits for A
      got.w = sim.now;
      yield sim.timeout(1_000_000);
      yield* md.bm.unlock(w);
    });
    sim.process(function* () {
      yield sim.timeout(600_000);
      const r = yield* md.bm.readLock(5); // behind the waiting writer
      got.c = sim.now;
      yield* md.bm.unlock(r);
    });
    sim.run();
    expect(got).to.deep.equal({ a: 0, a2: 100_000, w: 1_000_000, c: 2_000_000 });
    expect(md.bufio.peek(5)?.dirty).to.equal(true);
    expect(md.bm.isLocked(5)).to.equal(false);
  });
});
