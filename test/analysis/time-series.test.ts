import { expect } from 'chai';
import { scatter, timeSeries } from '../../kernel-lib/analysis/time-series.js';
import { axisTitles, drawn } from './svg.js';

type Spec = { data: { values: Record<string, unknown>[] }; mark: { type: string }; encoding: Record<string, { field: string; title: string }> };

describe('analysis/time-series', () => {
  const bins = Array.from({ length: 10 }, (_, i) => ({ time: i * 5e8, mbs: 100 + i, dev: i % 2 ? 'sdb' : 'sda' }));

  it('plots a value per time bin, simulated ns shown in seconds', async () => {
    const chart = timeSeries(bins, { y: 'mbs', yLabel: 'throughput', yUnit: 'MB/s' });
    const spec = chart.spec as unknown as Spec;
    expect(spec.data.values[3]).to.deep.equal({ t: 1.5, y: 103 });
    expect(spec.mark.type).to.equal('line');
    const svg = await chart.toSVG();
    expect(drawn(svg, 'line')).to.equal(1);
    expect(axisTitles(svg)).to.deep.equal(['time (s)', 'throughput (MB/s)']);
  });

  it('draws one line per series', async () => {
    const svg = await timeSeries(bins, { y: 'mbs', series: 'dev' }).toSVG();
    expect(drawn(svg, 'line')).to.equal(2);
  });

  it('scatters events, e.g. the head position per request', async () => {
    const trace = Array.from({ length: 25 }, (_, i) => ({ at: i * 1e3, sector: (i * 7919) % 1000 }));
    const chart = scatter(trace, { time: 'at', inputUnit: 'µs', timeUnit: 'ms', y: 'sector', yLabel: 'head position', yUnit: 'sector' });
    expect((chart.spec as unknown as Spec).mark.type).to.equal('point');
    const svg = await chart.toSVG();
    expect(drawn(svg, 'point')).to.equal(25);
    expect(axisTitles(svg)).to.deep.equal(['time (ms)', 'head position (sector)']);
  });

  it('names a missing column', () => {
    expect(() => timeSeries(bins, { y: 'iops' })).to.throw(/timeSeries: no column 'iops'/);
  });

  it('zooms in the live chart by default (interval bound to the scales); zoom: false leaves it out', async () => {
    const zoomed = timeSeries(bins, { y: 'mbs' });
    expect((zoomed.spec as unknown as { params: unknown[] }).params).to.deep.equal([{ name: 'zoom', select: 'interval', bind: 'scales' }]);
    expect(drawn(await zoomed.toSVG(), 'line')).to.equal(1); // the static drawing is unchanged
    expect(timeSeries(bins, { y: 'mbs', zoom: false }).spec).to.not.have.property('params');
  });
});
