import { expect } from 'chai';
import * as aq from 'arquero';
import { describeSample, summarize } from '../../kernel-lib/analysis/summarize.js';

describe('analysis/summarize', () => {
  it('computes mean, sample stddev and the Student-t 95% CI by hand-checked numbers', () => {
    // 2, 4, 6: mean 4, s = 2, ci95 = qt(0.975, 2) * 2 / sqrt(3) = 4.3026527 * 1.1547005 = 4.9682754
    const d = describeSample([2, 4, 6]);
    expect(d.n).to.equal(3);
    expect(d.mean).to.equal(4);
    expect(d.stddev).to.be.closeTo(2, 1e-12);
    expect(d.ci95).to.be.closeTo(4.9682754, 1e-6);
    expect([d.min, d.max]).to.deep.equal([2, 6]);
  });

  it('has no spread for a single value, and ignores non-numbers', () => {
    const d = describeSample([5, NaN, undefined, 'x']);
    expect(d.n).to.equal(1);
    expect(d.mean).to.equal(5);
    expect(d.stddev).to.be.NaN;
    expect(d.ci95).to.be.NaN;
  });

  it('summarizes a table by groups in order of first appearance', () => {
    const t = aq.from([
      { mode: 'tail', depth: 1, bw: 10 }, { mode: 'head', depth: 1, bw: 1 },
      { mode: 'tail', depth: 1, bw: 14 }, { mode: 'head', depth: 1, bw: 3 },
    ]);
    const s = summarize(t, ['mode'], 'bw');
    expect(s.columnNames()).to.deep.equal(['mode', 'n', 'mean', 'stddev', 'ci95', 'min', 'max']);
    expect(s.array('mode')).to.deep.equal(['tail', 'head']);
    expect(s.array('mean')).to.deep.equal([12, 2]);
    // s = sqrt(8) = 2.8284271, ci95 = qt(0.975, 1) * s / sqrt(2) = 12.7062047 * 2 = 25.4124094
    expect(s.get('ci95', 0)).to.be.closeTo(25.4124094, 1e-6);
  });

  it('names a missing column', () => {
    expect(() => summarize(aq.from([{ a: 1 }]), 'mode', 'a')).to.throw(/no column 'mode' \(columns: a\)/);
  });
});
