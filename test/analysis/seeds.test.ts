import { expect } from 'chai';
import { deriveSeed } from '../../kernel-lib/analysis/seeds.js';

describe('analysis/seeds', () => {
  it('is a deterministic 32-bit unsigned integer', () => {
    const seed = deriveSeed(42, { x: 1 }, 0);
    expect(seed).to.equal(deriveSeed(42, { x: 1 }, 0));
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).to.equal(true);
  });

  it('depends on the base seed, the parameters and the replicate', () => {
    const seeds = new Set([
      deriveSeed(42, { x: 1 }, 0),
      deriveSeed(43, { x: 1 }, 0),
      deriveSeed(42, { x: 2 }, 0),
      deriveSeed(42, { x: 1 }, 1),
      deriveSeed(42, { x: 1, y: 0 }, 0),
    ]);
    expect(seeds.size).to.equal(5);
  });

  it('ignores the order parameters were written in', () => {
    expect(deriveSeed(7, { a: 1, b: 2 }, 3)).to.equal(deriveSeed(7, { b: 2, a: 1 }, 3));
  });

  it('rejects a base seed that is not a finite number', () => {
    expect(() => deriveSeed(NaN, {}, 0)).to.throw(/seed must be a finite number/);
  });
});
