import { expect } from 'chai';
import * as aq from 'arquero';
import { metricChart } from '../../kernel-lib/analysis/metric-chart.js';
import { axisLabels, axisTitles, drawn } from './svg.js';

// Two series over three chunk sizes, three replicates each: 2, 4, 6 (mean 4) at every point.
const rows = [4, 16, 64].flatMap((chunk) =>
  ['tail', 'head'].flatMap((mode) => [2, 4, 6].map((v) => ({ 'snapshot.chunk': chunk, mode, bw: v * (mode === 'head' ? 10 : 1) + chunk }))),
);

type Layer = { mark: { type: string }; encoding: Record<string, { field?: string; type?: string; title?: string; scale?: object }>; data?: { values: Record<string, unknown>[] } };
const specOf = (chart: ReturnType<typeof metricChart>) => chart.spec as unknown as { data: { values: Record<string, unknown>[] }; layer: Layer[]; title?: string };

describe('analysis/metric-chart', () => {
  const chart = metricChart(aq.from(rows), {
    x: 'snapshot.chunk', y: 'bw', series: 'mode',
    xLabel: 'chunk size', xUnit: 'KiB', yLabel: 'throughput', yUnit: 'MB/s', xScale: 'log',
  });

  it('embeds one summarized row per (x, series) with the 95% CI as error bar ends', () => {
    const { data } = specOf(chart);
    expect(data.values).to.have.length(6);
    // tail at chunk 4: values 6, 8, 10 -> mean 8, s = 2, ci95 = 4.3026527 * 2 / sqrt(3) = 4.9682754
    const first = data.values[0]!;
    expect(first).to.include({ x: 4, series: 'tail', n: 3, mean: 8 });
    expect(first.lo as number).to.be.closeTo(8 - 4.9682754, 1e-6);
    expect(first.hi as number).to.be.closeTo(8 + 4.9682754, 1e-6);
  });

  it('encodes mean line, points and error rules, coloured by series, with units in the titles', () => {
    const { layer } = specOf(chart);
    expect(layer.map((l) => l.mark.type)).to.deep.equal(['line', 'point', 'rule']);
    expect(layer[0]!.encoding.x).to.deep.include({ field: 'x', type: 'quantitative', title: 'chunk size (KiB)', scale: { type: 'log', base: 2 } });
    expect(layer[0]!.encoding.y).to.deep.include({ field: 'mean', title: 'throughput (MB/s)' });
    expect(layer[0]!.encoding.color).to.deep.include({ field: 'series', type: 'nominal', title: 'mode' });
    expect(layer[2]!.encoding.y!.field).to.equal('lo');
    expect(layer[2]!.encoding.y2!.field).to.equal('hi');
  });

  it('draws the lines, points and bars in SVG', async () => {
    const svg = await chart.toSVG();
    expect(drawn(svg, 'line')).to.equal(2);
    expect(drawn(svg, 'point')).to.equal(6);
    expect(drawn(svg, 'rule')).to.equal(6);
    expect(axisTitles(svg)).to.deep.equal(['chunk size (KiB)', 'throughput (MB/s)']);
  });

  it('uses min..max when asked, and no bars at all with errorBars none', () => {
    const minmax = specOf(metricChart(rows, { x: 'snapshot.chunk', y: 'bw', series: 'mode', errorBars: 'minmax' }));
    expect(minmax.data.values[0]).to.include({ lo: 6, hi: 10 });
    const none = specOf(metricChart(rows, { x: 'snapshot.chunk', y: 'bw', errorBars: 'none' }));
    expect(none.layer.map((l) => l.mark.type)).to.deep.equal(['line', 'point']);
  });

  it('overlays published values as distinct marks in their series colour', async () => {
    const published = [{ 'snapshot.chunk': 16, bw: 20, mode: 'tail' }, { 'snapshot.chunk': 64, bw: 100, mode: 'head' }];
    const withRef = metricChart(rows, { x: 'snapshot.chunk', y: 'bw', series: 'mode', reference: { data: published, label: 'Smith 2007' } });
    const ref = specOf(withRef).layer[3]!;
    expect(ref.mark).to.deep.include({ type: 'point', shape: 'diamond', filled: false });
    expect(ref.data!.values).to.deep.equal([
      { x: 16, value: 20, source: 'Smith 2007', series: 'tail' },
      { x: 64, value: 100, source: 'Smith 2007', series: 'head' },
    ]);
    expect(ref.encoding.color!.field).to.equal('series');
    const svg = await withRef.toSVG();
    expect(drawn(svg, 'point')).to.equal(6 + 2);
    expect(svg).to.include('Smith 2007');
  });

  it('puts non-numeric parameters on an ordinal axis in order of appearance', () => {
    const spec = specOf(metricChart([{ q: 'tail', v: 1 }, { q: 'head', v: 2 }], { x: 'q', y: 'v' }));
    expect(spec.layer[0]!.encoding.x).to.deep.include({ type: 'ordinal', sort: null });
  });

  it('names a missing column', () => {
    expect(() => metricChart(rows, { x: 'chunk', y: 'bw' })).to.throw(/metricChart: no column 'chunk' in the data \(columns: snapshot.chunk, mode, bw\)/);
  });

  it('puts powers of two on a base-2 log axis with a tick per power, other values on base 10', async () => {
    expect(axisLabels(await chart.toSVG(), 0)).to.deep.equal(['4', '8', '16', '32', '64']);
    const decimal = metricChart([1, 10, 100, 1000].map((x) => ({ x, y: x })), { x: 'x', y: 'y', xScale: 'log', errorBars: 'none' });
    const x = (decimal.spec as unknown as { layer: Layer[] }).layer[0]!.encoding.x!;
    expect(x.scale).to.deep.equal({ type: 'log' });
    expect(axisLabels(await decimal.toSVG(), 0)).to.include.members(['1', '10', '100', '1,000']);
  });

  it('never cuts a legend label short, in the static SVG too', async () => {
    const long = 'fine-grained locking and per-CPU kcopyd workers (Linux 6.5 design)';
    const svg = await metricChart([{ x: 1, y: 2, s: long }, { x: 2, y: 3, s: long }], { x: 'x', y: 'y', series: 's', errorBars: 'none' }).toSVG();
    expect(svg).to.contain(`>${long}<`);
    expect(svg).to.not.contain('…');
  });

  it('zooms only when asked (a sweep has few points)', () => {
    expect(JSON.stringify(chart.spec)).to.not.contain('"bind":"scales"');
    const zoomed = metricChart(aq.from(rows), { x: 'snapshot.chunk', y: 'bw', zoom: true });
    expect((zoomed.spec as unknown as { layer: { params?: unknown[] }[] }).layer[1]!.params).to.deep.equal([{ name: 'zoom', select: 'interval', bind: 'scales' }]);
  });
});
