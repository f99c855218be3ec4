import { expect } from 'chai';
import * as aq from 'arquero';
import { axisTitle, convertTime, finiteOrNull, rowsOf } from '../../kernel-lib/analysis/chart-data.js';

describe('analysis/chart-data', () => {
  it('reads rows from a table or an array, naming a missing column and what exists', () => {
    const rows = [{ a: 1, b: 'x' }];
    expect(rowsOf(aq.from(rows), ['a'], 'demo')).to.deep.equal(rows);
    expect(rowsOf(rows, ['a', undefined], 'demo')).to.deep.equal(rows);
    expect(() => rowsOf(rows, ['c'], 'demo')).to.throw("demo: no column 'c' in the data (columns: a, b)");
  });

  it('writes units out in axis titles', () => {
    expect(axisTitle('throughput', 'MB/s')).to.equal('throughput (MB/s)');
    expect(axisTitle('queue depth')).to.equal('queue depth');
  });

  it('converts between time units and rejects unknown ones', () => {
    expect(convertTime(1_500, 'ns', 'µs')).to.equal(1.5);
    expect(convertTime(2, 's', 'ms')).to.equal(2000);
    expect(convertTime(3, 'us', 'ns')).to.equal(3000);
    expect(() => convertTime(1, 'min' as never, 's')).to.throw(/unknown time unit 'min'/);
  });

  it('turns NaN and infinities into null, which JSON can carry', () => {
    expect([finiteOrNull(1), finiteOrNull(NaN), finiteOrNull(Infinity), finiteOrNull('1')]).to.deep.equal([1, null, null, null]);
  });
});
