import { expect } from 'chai';
import { SampleStat } from '../../../kernel-lib/workload/fio/stats.js';

describe('workload/fio/stats', () => {
  it('SampleStat keeps min, max, mean and the sample standard deviation (Welford)', () => {
    const s = new SampleStat();
    for (const x of [2, 4, 4, 4, 5, 5, 7, 9]) s.add(x);
    expect([s.samples, s.min, s.max, s.mean]).to.deep.equal([8, 2, 9, 5]);
    // Sum of squared deviations 32 over n - 1 = 7.
    expect(s.stddev).to.be.closeTo(Math.sqrt(32 / 7), 1e-12);
    expect(new SampleStat().stddev).to.equal(0);
  });

  it('addPure sums the bandwidths of jobs that ran together (fio sum_stat with pure_sum)', () => {
    const a = new SampleStat();
    const b = new SampleStat();
    for (const x of [10, 20]) a.add(x);
    for (const x of [1, 3]) b.add(x);
    a.addPure(b);
    expect([a.min, a.max, a.mean, a.samples]).to.deep.equal([11, 23, 17, 4]);
    const empty = new SampleStat();
    empty.addPure(b);
    expect([empty.min, empty.max, empty.mean]).to.deep.equal([1, 3, 2]);
  });
});
