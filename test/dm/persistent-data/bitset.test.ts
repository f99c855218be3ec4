import { expect } from 'chai';
import { DmBitset } from '../../../kernel-lib/dm/persistent-data/index.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { makeMetadata, runProcess } from './helpers.js';

describe('dm/persistent-data bitset', () => {
  it('agrees with a boolean array over random sets and clears across commits', () => {
    const sim = new Simulation({ seed: 9 });
    const { md } = makeMetadata(sim);
    const bs = new DmBitset(md.tm, (vt) => md.btree(vt));
    const rng = sim.rng('bits');
    const N = 100_000;
    const ref = new Array<boolean>(N).fill(false);
    const bad = runProcess(sim, function* () {
      yield* md.format();
      yield* bs.create(N);
      for (let i = 0; i < 20_000; i++) {
        const bit = rng.integer(0, N - 1);
        const on = rng.random() < 0.7;
        if (on) yield* bs.setBit(bit);
        else yield* bs.clearBit(bit);
        ref[bit] = on;
        if (i % 4000 === 3999) {
          md.roots.set('bits', yield* bs.flush());
          yield* md.commit();
        }
      }
      const wrong: number[] = [];
      for (let bit = 0; bit < N; bit += 7) if ((yield* bs.testBit(bit)) !== ref[bit]) wrong.push(bit);
      return wrong;
    });
    expect(bad).to.deep.equal([]);
    // 64-bit words, 509 to an array block: ceil(ceil(100000 / 64) / 509) = 4 blocks.
    expect(bs.array.entriesPerBlock).to.equal(509);
  });

  it('bits of one word cost one array read; the write-back comes on flush', () => {
    const sim = new Simulation();
    const { md } = makeMetadata(sim);
    const bs = new DmBitset(md.tm, (vt) => md.btree(vt));
    const counts = runProcess(sim, function* () {
      yield* md.format();
      yield* bs.create(4096);
      yield* md.commit();
      const r0 = md.bm.stats.readLocks;
      const w0 = md.bm.stats.writeLocks;
      for (let b = 64; b < 128; b++) yield* bs.setBit(b);
      const r1 = md.bm.stats.readLocks;
      const w1 = md.bm.stats.writeLocks;
      yield* bs.flush();
      return { reads: r1 - r0, writes: w1 - w0, flushWrites: md.bm.stats.writeLocks - w1 };
    });
    // One lookup: the btree root (a leaf) and the array block.
    expect(counts.reads).to.equal(2);
    expect(counts.writes).to.equal(0);
    expect(counts.flushWrites).to.be.greaterThan(0);
  });
});
