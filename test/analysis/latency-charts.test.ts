import { expect } from 'chai';
import * as aq from 'arquero';
import { latencyCdf, percentileChart } from '../../kernel-lib/analysis/latency-charts.js';
import { axisTitles, drawn } from './svg.js';

type Spec = { data: { values: Record<string, unknown>[] }; mark: { type: string; interpolate?: string }; encoding: Record<string, { field: string; type: string; title: string; sort?: unknown }> };
const specOf = (c: { spec: unknown }) => c.spec as Spec;

describe('analysis/latency-charts', () => {
  it('draws the empirical CDF of samples in ns on a µs axis', async () => {
    const chart = latencyCdf([3000, 1000, 2000, 4000]);
    const spec = specOf(chart);
    expect(spec.data.values).to.deep.equal([
      { series: '', latency: 1, fraction: 0.25 },
      { series: '', latency: 2, fraction: 0.5 },
      { series: '', latency: 3, fraction: 0.75 },
      { series: '', latency: 4, fraction: 1 },
    ]);
    expect(spec.mark).to.deep.include({ type: 'line', interpolate: 'step-after' });
    expect(spec.encoding.color).to.equal(undefined);
    const svg = await chart.toSVG();
    expect(drawn(svg, 'line')).to.equal(1);
    expect(axisTitles(svg)).to.deep.equal(['latency (µs)', 'fraction of I/Os completed within']);
  });

  it('reduces large samples to evenly spaced quantiles and colours series', async () => {
    const a = Array.from({ length: 10_000 }, (_, i) => i + 1);
    const chart = latencyCdf({ hdd: a, ssd: [5, 6] }, { maxPoints: 100, inputUnit: 'ms', unit: 'ms' });
    const values = specOf(chart).data.values;
    const hdd = values.filter((v) => v.series === 'hdd');
    expect(hdd).to.have.length(100);
    expect(hdd[0]).to.deep.equal({ series: 'hdd', latency: 100, fraction: 0.01 });
    expect(hdd[99]).to.deep.equal({ series: 'hdd', latency: 10_000, fraction: 1 });
    expect(specOf(chart).encoding.color!.field).to.equal('series');
    expect(drawn(await chart.toSVG(), 'line')).to.equal(2);
  });

  it('reads samples from a table column, by series', () => {
    const t = aq.from([{ lat: 10, dev: 'a' }, { lat: 20, dev: 'b' }, { lat: 30, dev: 'a' }]);
    const values = specOf(latencyCdf(t, { field: 'lat', series: 'dev', unit: 'ns' })).data.values;
    expect(values).to.deep.equal([
      { series: 'a', latency: 10, fraction: 0.5 },
      { series: 'a', latency: 30, fraction: 1 },
      { series: 'b', latency: 20, fraction: 1 },
    ]);
    expect(() => latencyCdf(t, { field: 'latency' })).to.throw(/latencyCdf: no column 'latency'/);
  });

  it('plots fio percentile maps per series, percentiles in numeric order', async () => {
    const chart = percentileChart(
      { hdd: { '99.900000': 2e7, '50.000000': 4e6, '99.000000': 1.2e7 }, ssd: { '50.000000': 8e4, '99.000000': 3e5 } },
      { unit: 'ms' },
    );
    const spec = specOf(chart);
    expect(spec.encoding.x).to.deep.include({ field: 'percentile', type: 'ordinal', sort: ['50', '99', '99.9'], title: 'percentile (%)' });
    expect(spec.encoding.y!.title).to.equal('latency (ms)');
    expect(spec.data.values).to.deep.include({ series: 'hdd', percentile: '99.9', latency: 20 });
    const svg = await chart.toSVG();
    expect(drawn(svg, 'line')).to.equal(2);
    expect(drawn(svg, 'point')).to.equal(5);
  });

  it('takes percentiles from a table too, and rejects a percentile above 100', () => {
    const t = aq.from([{ p: 50, v: 1000 }, { p: 99, v: 5000 }]);
    expect(specOf(percentileChart(t, { percentile: 'p', value: 'v' })).data.values).to.deep.equal([
      { series: '', percentile: '50', latency: 1 },
      { series: '', percentile: '99', latency: 5 },
    ]);
    expect(() => percentileChart({ '120': 5 })).to.throw(/percentile must be a number in \[0, 100\], got '120'/);
  });

  it('the CDF zooms in the live chart (the tail is where the detail is)', () => {
    expect((latencyCdf([1, 2, 3]).spec as unknown as { params: unknown[] }).params).to.deep.equal([{ name: 'zoom', select: 'interval', bind: 'scales' }]);
    expect(latencyCdf([1, 2, 3], { zoom: false }).spec).to.not.have.property('params');
  });
});
