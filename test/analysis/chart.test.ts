import { expect } from 'chai';
import { Chart, VEGALITE_MIME } from '../../kernel-lib/analysis/chart.js';
import { drawn } from './svg.js';

describe('analysis/chart', () => {
  const chart = Chart.fromJSON({
    title: 'three bars',
    data: { values: [{ a: 'x', b: 1 }, { a: 'y', b: 2 }, { a: 'z', b: 3 }] },
    mark: 'bar',
    encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } },
  });

  it('is one display bundle: the spec as an object, SVG and text', async () => {
    const bundle = await chart._repr_mimebundle_();
    expect(bundle[VEGALITE_MIME]).to.equal(chart.spec);
    expect((bundle[VEGALITE_MIME] as { $schema: string }).$schema).to.match(/vega-lite\/v5/);
    expect(drawn(bundle['image/svg+xml'] as string, 'bar')).to.equal(3);
    expect(bundle['text/plain']).to.equal('<Chart: three bars>');
  });

  it('serializes as its spec', () => {
    expect(JSON.parse(JSON.stringify(chart))).to.deep.equal(chart.spec);
  });
});
