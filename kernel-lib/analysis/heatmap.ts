// A metric over two parameters at once (e.g. throughput by chunk size and queue depth), one
// coloured cell per combination; replicates falling in one cell are averaged.
import { Chart } from './chart.js';
import { axisTitle, finiteOrNull, rowsOf, SIZE, type ChartData } from './chart-data.js';
import { describeSample } from './summarize.js';

export interface HeatmapOptions {
  x: string;
  y: string;
  /** The metric coloured in each cell (mean over the rows of the cell). */
  value: string;
  xLabel?: string;
  xUnit?: string;
  yLabel?: string;
  yUnit?: string;
  valueLabel?: string;
  valueUnit?: string;
  /** Print each cell's value in it. Default true. */
  labels?: boolean;
  /** Vega colour scheme. Default 'viridis'. */
  scheme?: string;
  title?: string;
  width?: number;
  height?: number;
}

export function heatmap(data: ChartData, options: HeatmapOptions): Chart {
  const { x, y, value } = options;
  const cells = new Map<string, { x: unknown; y: unknown; values: unknown[] }>();
  for (const row of rowsOf(data, [x, y, value], 'heatmap')) {
    const id = JSON.stringify([row[x], row[y]]);
    let cell = cells.get(id);
    if (!cell) cells.set(id, (cell = { x: row[x], y: row[y], values: [] }));
    cell.values.push(row[value]);
  }
  const values = [...cells.values()].map((cell) => ({ x: cell.x, y: cell.y, value: finiteOrNull(describeSample(cell.values).mean) }));
  // Ordinal axes in numeric order when the parameters are numbers, else in order of appearance.
  const order = (key: 'x' | 'y') => {
    const seen = [...new Set(values.map((v) => v[key]))];
    return seen.every((v) => typeof v === 'number') ? (seen as number[]).sort((a, b) => a - b) : seen;
  };
  const valueTitle = axisTitle(options.valueLabel ?? value, options.valueUnit);
  const encoding = {
    x: { field: 'x', type: 'ordinal', sort: order('x'), title: axisTitle(options.xLabel ?? x, options.xUnit), axis: { labelAngle: 0 } },
    y: { field: 'y', type: 'ordinal', sort: order('y'), title: axisTitle(options.yLabel ?? y, options.yUnit) },
  };
  const layers: unknown[] = [
    {
      mark: { type: 'rect' },
      encoding: { ...encoding, color: { field: 'value', type: 'quantitative', title: valueTitle, scale: { scheme: options.scheme ?? 'viridis' } }, tooltip: [{ field: 'value', title: valueTitle, format: '.4~g' }] },
    },
  ];
  if (options.labels ?? true) {
    layers.push({ mark: { type: 'text', fontSize: 10, color: 'white' }, encoding: { ...encoding, text: { field: 'value', type: 'quantitative', format: '.3~g' } } });
  }
  return Chart.fromJSON({
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? SIZE.width,
    height: options.height ?? SIZE.height,
    data: { values },
    layer: layers,
  });
}
