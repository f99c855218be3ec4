import { expect } from 'chai';
import { NumberMap } from '../../kernel-lib/sim/number-map.js';
import { RandomStream } from '../../kernel-lib/sim/rng.js';

describe('sim/number-map', () => {
  it('answers get, set and delete exactly as a Map does, through growth and churn', () => {
    // Keys clustered as sectors are (multiples of 8 near each other, some beyond 2^32) so
    // probe runs collide, wrap around the table's end and are shifted back on delete.
    const rng = new RandomStream(7, 'number-map');
    const m = new NumberMap<number>();
    const ref = new Map<number, number>();
    const pool = Array.from({ length: 300 }, (_, i) => (i % 3 === 2 ? 2 ** 33 + i * 8 : i * 8));
    let mismatches = 0;
    for (let step = 0; step < 60_000; step++) {
      const key = pool[rng.integer(0, step < 30_000 ? 40 : pool.length - 1)];
      const r = rng.random();
      if (r < 0.45) {
        m.set(key, step);
        ref.set(key, step);
      } else if (r < 0.9) {
        if (m.delete(key) !== ref.delete(key)) mismatches++;
      } else if (m.get(key) !== ref.get(key)) {
        mismatches++;
      }
      if (m.size !== ref.size) mismatches++;
    }
    expect(mismatches).to.equal(0);
    for (const key of pool) expect(m.get(key)).to.equal(ref.get(key));
  });

  it('rejects a key it cannot hold', () => {
    expect(() => new NumberMap<number>().set(-1, 0)).to.throw(/non-negative/);
    expect(() => new NumberMap<number>().set(NaN, 0)).to.throw(/non-negative/);
  });

  it('agrees with a Map over has and getOr too, with the keys VDO uses (fingerprints above 2^52, block numbers times 2^32) (growth and backward-shift deletion)', () => {
    const rng = new RandomStream(7, 'number-map-vdo');
    const m = new NumberMap<number>(4);
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
