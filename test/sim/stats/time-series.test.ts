import { expect } from 'chai';
import { TimeSeries } from '../../../kernel-lib/sim/stats/time-series.js';

describe('sim/stats/time-series', () => {
  it('sums amounts into fixed bins from time 0 and gives a rate per second', () => {
    const s = new TimeSeries(100e6); // 100 ms bins
    s.add(0, 10);
    s.add(99e6, 5);
    s.add(250e6, 7);
    expect(s.points()).to.deep.equal([
      { t: 0, total: 15, perSecond: 150 },
      { t: 100e6, total: 0, perSecond: 0 },
      { t: 200e6, total: 7, perSecond: 70 },
    ]);
  });

  it('grows past its first bins and refuses a bin width that is not positive', () => {
    const s = new TimeSeries(1);
    s.add(1000, 1);
    expect(s.points()).to.have.length(1001);
    expect(() => new TimeSeries(0)).to.throw(RangeError, /bin width/);
  });
});
