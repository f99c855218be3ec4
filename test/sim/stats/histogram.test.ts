import { expect } from 'chai';
import { FIO_PERCENTILES, LatencyHistogram } from '../../../kernel-lib/sim/index.js';

describe('sim/stats/histogram', () => {
  it('percentiles agree with the exact order statistics within 3 significant digits', () => {
    const h = new LatencyHistogram();
    const values: number[] = [];
    let x = 7;
    for (let i = 0; i < 50_000; i++) {
      x = (x * 48271) % 2147483647;
      const v = 1000 + (x % 10_000_000); // 1 µs .. 10 ms
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    for (const p of [50, 90, 99, 99.9]) {
      const exact = values[Math.ceil((p / 100) * values.length) - 1];
      expect(Math.abs(h.percentile(p) - exact) / exact).to.be.lessThan(2e-3, `p${p}`);
    }
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    expect(h.mean).to.be.closeTo(m, 1e-6 * m);
    expect(h.min).to.equal(values[0]);
    expect(h.max).to.equal(values[values.length - 1]);
  });

  it("summarises in fio's shape, with %f percentile keys", () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 100; i++) h.record(i * 1000);
    const s = h.summary();
    expect(Object.keys(s)).to.deep.equal(['min', 'max', 'mean', 'stddev', 'N', 'percentile']);
    expect(Object.keys(s.percentile)).to.have.length(FIO_PERCENTILES.length);
    expect(s.percentile).to.have.property('99.000000');
    expect(s.percentile).to.have.property('99.990000');
    expect(s.N).to.equal(100);
    expect(s.mean).to.equal(50_500);
    expect(s.percentile['50.000000']).to.be.closeTo(50_000, 50);
  });

  it('refuses a negative latency', () => {
    expect(() => new LatencyHistogram().record(-1)).to.throw(RangeError, /non-negative/);
  });
});
