import { expect } from 'chai';
import { NumberMap } from '../../../kernel-lib/dm/vdo/number-map.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';

describe('dm/vdo number map', () => {
  it('NumberMap agrees with a Map over random sets, gets and deletes (growth and backward-shift deletion)', () => {
    const rng = new Simulation({ seed: 7 }).rng('number-map');
    const m = new NumberMap(4);
    const ref = new Map<number, number>();
    // Keys from a small range (many collisions, deletions inside probe runs) and large ones
    // (fingerprints above 2^52, block numbers times 16).
    const key = () => {
      const r = rng.random();
      if (r < 0.6) return rng.integer(0, 500);
      if (r < 0.8) return 2 ** 52 + rng.integer(0, 300);
      return rng.integer(0, 3000) * 2 ** 32 + rng.integer(0, 3);
    };
    for (let i = 0; i < 60_000; i++) {
      const k = key();
      const op = rng.random();
      if (op < 0.45) {
        const v = rng.integer(0, 1e9);
        m.set(k, v);
        ref.set(k, v);
      } else if (op < 0.75) {
        expect(m.delete(k)).to.equal(ref.delete(k));
      } else {
        expect(m.get(k)).to.equal(ref.get(k));
        expect(m.has(k)).to.equal(ref.has(k));
        expect(m.getOr(k, -5)).to.equal(ref.get(k) ?? -5);
      }
      expect(m.size).to.equal(ref.size);
    }
    for (const [k, v] of ref) expect(m.get(k)).to.equal(v);
  });
});
