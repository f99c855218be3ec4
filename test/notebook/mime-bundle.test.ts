import { expect } from 'chai';
import * as aq from 'arquero';
import { Chart, VEGALITE_MIME } from '../../kernel-lib/analysis/chart.js';
import { formatTable } from '../../kernel-lib/analysis/table-format.js';
import { mimeBundleOf } from '../../kernel-lib/notebook/mime-bundle.js';

describe('notebook/mime-bundle', () => {
  it('shows an arquero table as an HTML table plus aligned text', async () => {
    const bundle = await mimeBundleOf(aq.table({ name: ['a', 'b'], iops: [1500, 2.5] }));
    expect(bundle['text/html']).to.match(/^<table class="dmsim-table">/);
    expect(bundle['text/html']).to.include('<th class="num">iops</th>');
    expect(bundle['text/html']).to.include('<td class="num">2.5</td>');
    expect(bundle['text/plain']).to.equal('name  iops\n----  ----\na     1500\nb      2.5');
  });

  it('shows a table from formatTable with its headers and decimals, numbers right-aligned, and full values in the CSV', async () => {
    const t = formatTable(aq.table({ qd: [1, 31], mean: [83.3062, 205.796], ci95: [0.41, 0.36] }), {
      qd: 'queue depth',
      mean: { label: 'throughput', unit: 'IOPS', uncertainty: 'ci95' },
      ci95: { label: '± 95% CI', unit: 'IOPS' },
    });
    const bundle = await mimeBundleOf(t);
    expect(bundle['text/html']).to.include('<th class="num">throughput (IOPS)</th>');
    expect(bundle['text/html']).to.include('<td class="num">83.3</td><td class="num">0.4</td>');
    expect(bundle['text/plain']).to.equal(
      'queue depth  throughput (IOPS)  ± 95% CI (IOPS)\n' +
        '-----------  -----------------  ---------------\n' +
        '          1               83.3              0.4\n' +
        '         31              205.8              0.4',
    );
    expect(bundle['text/csv']).to.include('83.3062');
  });

  it('cuts a long table and says how many rows it left out', async () => {
    const bundle = await mimeBundleOf(aq.table({ x: Array.from({ length: 120 }, (_, i) => i) }));
    expect((bundle['text/html'] as string).match(/<tr>/g)).to.have.length(51); // header + 50 rows
    expect(bundle['text/html']).to.include('70 more rows not shown (120 rows × 1 columns)');
    expect(bundle['text/plain']).to.match(/… 70 more rows not shown/);
  });

  it('uses a value’s own bundle, sync or async, and always adds text/plain', async () => {
    const sync = mimeBundleOf({ _repr_mimebundle_: () => ({ 'text/html': '<b>x</b>' }) });
    expect(sync).not.to.be.instanceOf(Promise);
    expect(sync).to.deep.equal({ 'text/html': '<b>x</b>', 'text/plain': '<Object>' });
    const later = await mimeBundleOf({ _repr_mimebundle_: async () => ({ 'text/plain': 'later' }) });
    expect(later).to.deep.equal({ 'text/plain': 'later' });
  });

  it('parses JSON MIME data given as a string: a Vega-Lite spec is an object', async () => {
    const bundle = await mimeBundleOf({ _repr_mimebundle_: () => ({ [VEGALITE_MIME]: '{"mark":"bar"}' }) });
    expect(bundle[VEGALITE_MIME]).to.deep.equal({ mark: 'bar' });
  });

  it('shows a Chart as its Vega-Lite spec object plus an SVG with drawn marks', async () => {
    const chart = new Chart({
      title: 'latency',
      data: { values: [{ x: 1, y: 2 }, { x: 2, y: 5 }] },
      mark: 'line',
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
    });
    const bundle = await mimeBundleOf(chart);
    expect(bundle[VEGALITE_MIME]).to.be.an('object').with.property('mark', 'line');
    expect(bundle['image/svg+xml']).to.match(/<path[^>]* d="M[^"]+"/);
    expect(bundle['text/plain']).to.equal('<Chart: latency>');
  });

  it('shows anything else as Node prints it, strings quoted', async () => {
    expect(await mimeBundleOf('abc')).to.deep.equal({ 'text/plain': "'abc'" });
    expect(await mimeBundleOf({ a: [1, 2] })).to.deep.equal({ 'text/plain': '{ a: [ 1, 2 ] }' });
  });
});
