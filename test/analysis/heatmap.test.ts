import { expect } from 'chai';
import { heatmap } from '../../kernel-lib/analysis/heatmap.js';
import { axisTitles, drawn } from './svg.js';

type Spec = { data: { values: Record<string, unknown>[] }; layer: { mark: { type: string }; encoding: Record<string, { field: string; sort?: unknown; title?: string }> }[] };

describe('analysis/heatmap', () => {
  // chunk x depth, two replicates per cell (value and value + 2, so the mean is value + 1).
  const rows = [64, 4, 16].flatMap((chunk) => [1, 8].flatMap((depth) => [0, 2].map((d) => ({ chunk, depth, bw: chunk * depth + d }))));
  const chart = heatmap(rows, { x: 'chunk', y: 'depth', value: 'bw', xUnit: 'KiB', valueLabel: 'throughput', valueUnit: 'MB/s' });
  const spec = chart.spec as unknown as Spec;

  it('averages replicates into one cell per combination, axes in numeric order', () => {
    expect(spec.data.values).to.have.length(6);
    expect(spec.data.values).to.deep.include({ x: 16, y: 8, value: 129 });
    expect(spec.layer[0]!.encoding.x).to.deep.include({ sort: [4, 16, 64], title: 'chunk (KiB)' });
    expect(spec.layer[0]!.encoding.color).to.deep.include({ field: 'value', title: 'throughput (MB/s)' });
  });

  it('draws a rect and a label per cell', async () => {
    const svg = await chart.toSVG();
    expect(drawn(svg, 'rect')).to.equal(6);
    expect(drawn(svg, 'text')).to.equal(6);
    expect(axisTitles(svg)).to.deep.equal(['chunk (KiB)', 'depth']);
    expect(drawn(await heatmap(rows, { x: 'chunk', y: 'depth', value: 'bw', labels: false }).toSVG(), 'text')).to.equal(0);
  });
});
