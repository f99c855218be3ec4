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

  it('trySetBit does what setBit does: the same words, locks, shadows and simulated time, whichever path each bit takes', () => {
    const run = (fast: boolean) => {
      const sim = new Simulation({ seed: 11 });
      // The 3.15 locking era (the clone example's 5.4): cached buffers are read without a
      // wait, so the fast path can be taken (6.4's shard lock always yields).
      const { md } = makeMetadata(sim, { bufio: { locking: '3.15' } });
      const bs = new DmBitset(md.tm, (vt) => md.btree(vt));
      const rng = sim.rng('bits');
      const N = 200_000;
      let fastSets = 0;
      const words = runProcess(sim, function* () {
        yield* md.format();
        yield* bs.create(N);
        yield* md.commit();
        for (let i = 0; i < 6000; i++) {
          const bit = rng.integer(0, N - 1);
          if (fast && bs.trySetBit(bit)) fastSets++;
          else yield* bs.setBit(bit);
          if (i % 1500 === 1499) {
            md.roots.set('bits', yield* bs.flush());
            yield* md.commit();
          }
        }
        const out: number[] = [];
        for (let bit = 0; bit < N; bit += 5) out.push((yield* bs.testBit(bit)) ? 1 : 0);
        return out;
      });
      return { words, fastSets, now: sim.now, bm: { ...md.bm.stats }, tm: { ...md.tm.stats }, lookups: bs.array.btree.stats.lookups };
    };
    const slow = run(false);
    const fast = run(true);
    // Most sets take the fast path (the word's array block already shadowed), not all.
    expect(fast.fastSets).to.be.within(3000, 5999);
    expect(fast.words).to.deep.equal(slow.words);
    expect(fast.bm).to.deep.equal(slow.bm);
    expect(fast.tm).to.deep.equal(slow.tm);
    expect(fast.lookups).to.equal(slow.lookups);
    expect(fast.now).to.equal(slow.now);
  });
});
