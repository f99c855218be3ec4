import { expect } from 'chai';
import { studentTCdf, studentTQuantile } from '../../kernel-lib/analysis/student-t.js';

describe('analysis/student-t', () => {
  // Reference values: R's qt(0.975, df) and qt(0.995, 5).
  const table: [number, number][] = [
    [1, 12.7062047], [2, 4.3026527], [3, 3.1824463], [4, 2.7764451], [9, 2.2621572],
    [30, 2.0422725], [100, 1.9839715], [1000, 1.9623391],
  ];
  for (const [df, expected] of table) {
    it(`qt(0.975, ${df}) = ${expected}`, () => {
      expect(studentTQuantile(0.975, df)).to.be.closeTo(expected, 1e-6);
    });
  }

  it('is symmetric and inverts the CDF', () => {
    expect(studentTQuantile(0.995, 5)).to.be.closeTo(4.0321430, 1e-6);
    expect(studentTQuantile(0.025, 4)).to.be.closeTo(-2.7764451, 1e-6);
    expect(studentTQuantile(0.5, 3)).to.equal(0);
    expect(studentTCdf(studentTQuantile(0.9, 7), 7)).to.be.closeTo(0.9, 1e-10);
  });

  it('rejects a probability outside (0, 1) or non-positive degrees of freedom', () => {
    expect(() => studentTQuantile(1, 3)).to.throw(/p must be in \(0, 1\)/);
    expect(() => studentTQuantile(0.9, 0)).to.throw(/df must be positive/);
  });
});
