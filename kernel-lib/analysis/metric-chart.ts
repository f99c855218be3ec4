// A metric against a parameter, one line per series, with error bars over replicates, and
// optionally published reference values as distinct marks: the standard figure of a study
// ("model vs measured throughput as the chunk size grows").
import { Chart } from './chart.js';
import { axisTitle, finiteOrNull, logScale, rowsOf, seriesLabel, SIZE, ZOOM_PARAM, type ChartData } from './chart-data.js';
import { describeSample } from './summarize.js';

export type ErrorBars = 'ci95' | 'minmax' | 'stddev' | 'none';

export interface ReferenceOptions {
  data: ChartData;
  /** Column of the parameter; default the chart's x. */
  x?: string;
  /** Column of the published value; default the chart's y. */
  y?: string;
  /** Column naming the series; default the chart's series (if the data has it). */
  series?: string;
  /** Legend entry for these marks. Default 'published'. */
  label?: string;
}

export interface MetricChartOptions {
  /** Parameter column (x axis). */
  x: string;
  /** Metric column (y axis); replicates are summarized into mean and error bars. */
  y: string;
  /** Column whose values are drawn as separate coloured lines. */
  series?: string;
  /** Axis labels (default: the column names) and units, e.g. yLabel 'throughput', yUnit 'MB/s'. */
  xLabel?: string;
  xUnit?: string;
  yLabel?: string;
  yUnit?: string;
  seriesLabel?: string;
  /** 95% CI of the mean (Student t, default), min..max, ±1 standard deviation, or none. */
  errorBars?: ErrorBars;
  /** 'log': base 2 with a tick per power of two when every x is one (iodepth, block size), else base 10. */
  xScale?: 'linear' | 'log';
  yScale?: 'linear' | 'log';
  /** Drag to pan, wheel to zoom in the live chart (default false: a sweep has few points). */
  zoom?: boolean;
  /** Start the y axis at zero (default true for a linear scale). */
  yZero?: boolean;
  reference?: ReferenceOptions;
  title?: string;
  width?: number;
  height?: number;
}

export function metricChart(data: ChartData, options: MetricChartOptions): Chart {
  const { x, y, series } = options;
  const errorBars = options.errorBars ?? 'ci95';
  const rows = rowsOf(data, [x, y, series], 'metricChart');
  const summary = summarizeRows(rows, x, y, series, errorBars);
  const numericX = summary.every((row) => typeof row.x === 'number');
  const xTitle = axisTitle(options.xLabel ?? x, options.xUnit);
  const yTitle = axisTitle(options.yLabel ?? y, options.yUnit);
  const seriesTitle = options.seriesLabel ?? series ?? 'series';

  const xEncoding = {
    field: 'x',
    type: numericX ? 'quantitative' : 'ordinal',
    title: xTitle,
    ...(numericX ? (options.xScale === 'log' ? logScale(summary.map((row) => row.x)) : { scale: { zero: false } }) : { sort: null }),
  } as const;
  // A log scale has no zero; a linear one starts at zero unless asked not to.
  const yLog = options.yScale === 'log' ? logScale(summary.map((row) => row.mean)) : undefined;
  const yScale = yLog?.scale ?? { zero: options.yZero ?? true };
  const color = series ? { color: { field: 'series', type: 'nominal', title: seriesTitle } } : {};
  const tooltip = [
    { field: 'x', title: xTitle },
    ...(series ? [{ field: 'series', title: seriesTitle }] : []),
    { field: 'mean', title: `mean ${yTitle}`, format: '.4~g' },
    { field: 'lo', title: 'low', format: '.4~g' },
    { field: 'hi', title: 'high', format: '.4~g' },
    { field: 'n', title: 'runs' },
  ];

  const layers: unknown[] = [
    { mark: { type: 'line' }, encoding: { x: xEncoding, y: { field: 'mean', type: 'quantitative', title: yTitle, scale: yScale, ...(yLog?.axis ? { axis: yLog.axis } : {}) }, ...color } },
    {
      ...(options.zoom ? { params: [ZOOM_PARAM] } : {}),
      mark: { type: 'point', filled: true, size: 40 },
      encoding: { x: xEncoding, y: { field: 'mean', type: 'quantitative' }, ...color, tooltip },
    },
  ];
  if (errorBars !== 'none') {
    layers.push({
      mark: { type: 'rule' },
      encoding: { x: xEncoding, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, ...color },
    });
  }
  if (options.reference) layers.push(referenceLayer(options.reference, options, xEncoding, series !== undefined));

  return Chart.fromJSON({
    ...(options.title ? { title: options.title } : {}),
    description: `${yTitle} against ${xTitle}; error bars: ${errorBars}`,
    width: options.width ?? SIZE.width,
    height: options.height ?? SIZE.height,
    data: { values: summary },
    layer: layers,
  });
}

interface SummaryRow {
  x: unknown;
  series?: string;
  mean: number | null;
  lo: number | null;
  hi: number | null;
  n: number;
}

/** Mean and error-bar ends per (x, series), in order of first appearance. */
function summarizeRows(rows: Record<string, unknown>[], x: string, y: string, series: string | undefined, bars: ErrorBars): SummaryRow[] {
  const groups = new Map<string, { x: unknown; series?: string; values: unknown[] }>();
  for (const row of rows) {
    const s = series === undefined ? undefined : seriesLabel(row[series]);
    const id = JSON.stringify([row[x], s]);
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { x: row[x], ...(s === undefined ? {} : { series: s }), values: [] }));
    group.values.push(row[y]);
  }
  return [...groups.values()].map(({ x: xValue, series: s, values }) => {
    const d = describeSample(values);
    // With one replicate there is no spread: the bar collapses onto the mean.
    const half = bars === 'ci95' ? d.ci95 : bars === 'stddev' ? d.stddev : 0;
    const spread = Number.isFinite(half) ? half : 0;
    const lo = bars === 'minmax' ? d.min : d.mean - spread;
    const hi = bars === 'minmax' ? d.max : d.mean + spread;
    return { x: xValue, ...(s === undefined ? {} : { series: s }), mean: finiteOrNull(d.mean), lo: finiteOrNull(lo), hi: finiteOrNull(hi), n: d.n };
  });
}

/** Published values as large hollow diamonds, in the colour of their series when they have one. */
function referenceLayer(ref: ReferenceOptions, options: MetricChartOptions, xEncoding: object, chartHasSeries: boolean): unknown {
  const rx = ref.x ?? options.x;
  const ry = ref.y ?? options.y;
  const rows = rowsOf(ref.data, [rx, ry], 'metricChart reference');
  const rseries = ref.series ?? (chartHasSeries && rows.some((row) => options.series! in row) ? options.series : undefined);
  const label = ref.label ?? 'published';
  const values = rows.map((row) => ({
    x: row[rx],
    value: finiteOrNull(row[ry]),
    source: label,
    ...(rseries ? { series: seriesLabel(row[rseries]) } : {}),
  }));
  return {
    data: { values },
    mark: { type: 'point', shape: 'diamond', size: 120, strokeWidth: 2, filled: false, ...(rseries ? {} : { color: 'black' }) },
    encoding: {
      x: xEncoding,
      y: { field: 'value', type: 'quantitative' },
      shape: { field: 'source', type: 'nominal', title: 'reference', scale: { range: ['diamond'] } },
      ...(rseries ? { color: { field: 'series', type: 'nominal' } } : {}),
      tooltip: [{ field: 'x', title: axisTitle(options.xLabel ?? options.x, options.xUnit) }, { field: 'value', title: label, format: '.4~g' }],
    },
  };
}
