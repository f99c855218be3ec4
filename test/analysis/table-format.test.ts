// Tables shown to their significance: headers with units, decimals per column from the
// values' size or from their uncertainty, values themselves untouched.
import { expect } from 'chai';
import * as aq from 'arquero';
import { formatTable, significantDecimals, uncertaintyDecimals } from '../../kernel-lib/analysis/table-format.js';

describe('analysis/table-format', () => {
  it('significantDecimals: enough decimals for 3 significant digits of the largest value; 0 for integers', () => {
    expect(significantDecimals([1.03, 2.8, -7.48])).to.equal(2);
    expect(significantDecimals([83.3, 205.8])).to.equal(0);
    expect(significantDecimals([0.00123, 0.0005])).to.equal(5);
    expect(significantDecimals([0.5, 0.7, 0.9])).to.equal(1); // never more decimals than the values have
    expect(significantDecimals([1e-7, 2.5e-7])).to.equal(8);
    expect(significantDecimals([1, 4, 31])).to.equal(0);
    expect(significantDecimals([12.5, 3.25], 2)).to.equal(0);
    expect(significantDecimals(['a', NaN, null])).to.equal(0);
  });

  it('uncertaintyDecimals: to the leading digit of the median uncertainty, two digits when it is 1', () => {
    expect(uncertaintyDecimals([2.4, 2.1, 3])).to.equal(0); // 131.3 ± 2.4 -> 131 ± 2
    expect(uncertaintyDecimals([0.14])).to.equal(2); // 131.27 ± 0.14
    expect(uncertaintyDecimals([0.41, 0.3, 1.07])).to.equal(1);
    expect(uncertaintyDecimals([37])).to.equal(0);
    expect(uncertaintyDecimals([NaN, NaN])).to.equal(undefined); // one replicate: no interval
  });

  it('selects, orders and renames the listed columns, keeping the values', () => {
    const t = formatTable([{ rho: 0.5, servers: 1, simulated_us: 1010.3, theory_us: 1000, error_pct: 1.0296, extra: 'x' }], {
      servers: 'servers c',
      rho: 'utilisation ρ',
      simulated_us: { label: 'simulated wait', unit: 'µs' },
      error_pct: { label: 'error', unit: '%', decimals: 1 },
    });
    expect(t.columnNames()).to.deep.equal(['servers c', 'utilisation ρ', 'simulated wait (µs)', 'error (%)']);
    expect(t.get('simulated wait (µs)', 0)).to.equal(1010.3);
    expect(t.columnDecimals).to.deep.equal({ 'servers c': 0, 'utilisation ρ': 1, 'simulated wait (µs)': 0, 'error (%)': 1 });
  });

  it('an uncertainty column sets the decimals of its value and of itself; without an interval, significant digits', () => {
    const summary = aq.table({ mean: [83.3062, 205.796], ci95: [0.412, 0.361] });
    const t = formatTable(summary, { mean: { label: 'throughput', unit: 'IOPS', uncertainty: 'ci95' }, ci95: '± 95% CI' });
    expect(t.columnDecimals).to.deep.equal({ 'throughput (IOPS)': 1, '± 95% CI': 1 });
    const one = formatTable(aq.table({ mean: [83.3062], ci95: [NaN] }), { mean: { uncertainty: 'ci95' } });
    expect(one.columnDecimals).to.deep.equal({ mean: 1 });
  });

  it('names a missing column, a header given twice and bad decimals', () => {
    expect(() => formatTable([{ a: 1 }], { b: 'B' })).to.throw(/formatTable: no column 'b' in the data \(columns: a\)/);
    expect(() => formatTable([{ a: 1, b: 2 }], { a: 'x', b: 'x' })).to.throw(/two columns would have the header 'x'/);
    expect(() => formatTable([{ a: 1.5 }], { a: { decimals: -1 } })).to.throw(/decimals of 'a' must be an integer from 0 to 20, got -1/);
  });

  it('scale converts a column to the unit of its header (values too: the CSV matches the header)', () => {
    const t = formatTable([{ lat_us: 148867.2 }, { lat_us: 623903 }], { lat_us: { label: 'latency', unit: 'ms', scale: 1e-3 } });
    const ms = t.array('latency (ms)') as number[];
    expect(ms[0]).to.be.closeTo(148.8672, 1e-9);
    expect(ms[1]).to.be.closeTo(623.903, 1e-9);
    expect(t.columnDecimals).to.deep.equal({ 'latency (ms)': 0 });
    expect(() => formatTable([{ a: 1 }], { a: { scale: 0 } })).to.throw(/scale of 'a' must be a positive number, got 0/);
  });
});
