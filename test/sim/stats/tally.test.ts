import { expect } from 'chai';
import { Tally } from '../../../kernel-lib/sim/stats/tally.js';

describe('sim/stats/tally', () => {
  it('keeps count, mean, sample variance, min and max', () => {
    const t = new Tally();
    for (const x of [2, 4, 4, 4, 5, 5, 7, 9]) t.add(x);
    expect(t.toJSON()).to.deep.include({ count: 8, mean: 5, min: 2, max: 9 });
    expect(t.variance).to.be.closeTo(32 / 7, 1e-12);
    expect(t.stddev).to.be.closeTo(Math.sqrt(32 / 7), 1e-12);
  });

  it('stays accurate when the mean is large against the spread (no cancellation)', () => {
    const t = new Tally();
    for (const x of [1e12 + 1, 1e12 + 2, 1e12 + 3]) t.add(x);
    expect(t.mean).to.equal(1e12 + 2);
    expect(t.variance).to.be.closeTo(1, 1e-9);
  });

  it('reset forgets every observation', () => {
    const t = new Tally();
    t.add(3);
    t.reset();
    t.add(10);
    expect(t.toJSON()).to.deep.include({ count: 1, mean: 10, min: 10, max: 10 });
  });
});
