// Latency distributions the way storage people read them: the empirical CDF of per-I/O
// latencies (DiskSim's validation plots, its "demerit" compares exactly these), and tail
// percentiles (fio's clat percentiles: 50, 99, 99.9, ...).
import { Chart } from './chart.js';
import { axisTitle, convertTime, displayUnit, isTable, rowsOf, seriesLabel, SIZE, ZOOM_PARAM, type ChartData, type Row, type TimeUnit } from './chart-data.js';

interface LatencyAxisOptions {
  /** Unit of the input values. Default 'ns' (the simulator's clock). */
  inputUnit?: TimeUnit;
  /** Unit on the axis. Default 'µs'. */
  unit?: TimeUnit;
  scale?: 'linear' | 'log';
  title?: string;
  seriesLabel?: string;
  width?: number;
  height?: number;
}

/** Latency samples: one array, arrays by series name, or a table with a value column. */
export type LatencySamples = readonly number[] | Readonly<Record<string, readonly number[]>> | ChartData;

export interface CdfOptions extends LatencyAxisOptions {
  /** For table input: the latency column, and optionally the series column. */
  field?: string;
  series?: string;
  /** Points drawn per series at most (large samples are reduced to evenly spaced quantiles). */
  maxPoints?: number;
  /** Drag to pan, wheel to zoom in the live chart (default true: the tail is where the detail is). */
  zoom?: boolean;
}

/** Empirical CDF of latency samples, a step line per series. */
export function latencyCdf(samples: LatencySamples, options: CdfOptions = {}): Chart {
  const bySeries = groupSamples(samples, options);
  const from = options.inputUnit ?? 'ns';
  const unit = options.unit ?? 'µs';
  const maxPoints = options.maxPoints ?? 500;
  const values: Row[] = [];
  for (const [series, raw] of bySeries) {
    const sorted = raw.filter(Number.isFinite).sort((a, b) => a - b);
    const n = sorted.length;
    const count = Math.min(n, maxPoints);
    for (let k = 1; k <= count; k++) {
      // The k-th of `count` evenly spaced ranks; with n <= maxPoints this is every sample.
      const rank = Math.ceil((k * n) / count);
      values.push({ series, latency: convertTime(sorted[rank - 1]!, from, unit), fraction: rank / n });
    }
  }
  const multi = bySeries.size > 1 || [...bySeries.keys()][0] !== '';
  return Chart.fromJSON({
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? SIZE.width,
    height: options.height ?? SIZE.height,
    data: { values },
    ...(options.zoom ?? true ? { params: [ZOOM_PARAM] } : {}),
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'latency', type: 'quantitative', title: axisTitle('latency', displayUnit(unit)), scale: options.scale === 'log' ? { type: 'log' } : { zero: false } },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of I/Os completed within', scale: { domain: [0, 1] } },
      ...(multi ? { color: { field: 'series', type: 'nominal', title: options.seriesLabel ?? options.series ?? 'series' } } : {}),
    },
  });
}

/** Percentile -> latency: fio's map ({"99.000000": 1234}), maps by series, or a table. */
export type Percentiles = Readonly<Record<string, number>> | Readonly<Record<string, Readonly<Record<string, number>>>> | ChartData;

export interface PercentileOptions extends LatencyAxisOptions {
  /** For table input: the percentile and latency columns, and optionally the series column. */
  percentile?: string;
  value?: string;
  series?: string;
}

/**
 * Latency at each percentile, one line per series. Percentiles sit evenly spaced on the x axis
 * (50, 90, 99, 99.9, ...) as fio lists them, so the tail gets as much room as the median.
 */
export function percentileChart(percentiles: Percentiles, options: PercentileOptions = {}): Chart {
  const from = options.inputUnit ?? 'ns';
  const unit = options.unit ?? 'µs';
  const points = percentilePoints(percentiles, options);
  const order = [...new Set(points.map((p) => p.p))].sort((a, b) => a - b).map(formatPercentile);
  const values = points.map(({ series, p, value }) => ({ series, percentile: formatPercentile(p), latency: convertTime(value, from, unit) }));
  const multi = new Set(points.map((p) => p.series)).size > 1 || points.some((p) => p.series !== '');
  return Chart.fromJSON({
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? SIZE.width,
    height: options.height ?? SIZE.height,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'percentile', type: 'ordinal', sort: order, title: 'percentile (%)', axis: { labelAngle: 0 } },
      y: { field: 'latency', type: 'quantitative', title: axisTitle('latency', displayUnit(unit)), scale: { type: options.scale ?? 'linear' } },
      ...(multi ? { color: { field: 'series', type: 'nominal', title: options.seriesLabel ?? options.series ?? 'series' } } : {}),
    },
  });
}

function groupSamples(samples: LatencySamples, options: CdfOptions): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  if (Array.isArray(samples) && samples.every((v) => typeof v === 'number')) {
    groups.set('', [...(samples as number[])]);
  } else if (Array.isArray(samples) || isTable(samples)) {
    const field = options.field ?? 'latency';
    for (const row of rowsOf(samples as ChartData, [field, options.series], 'latencyCdf')) {
      const key = options.series ? seriesLabel(row[options.series]) : '';
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(Number(row[field]));
    }
  } else {
    for (const [name, values] of Object.entries(samples as Record<string, readonly number[]>)) {
      if (!Array.isArray(values)) throw new TypeError(`latencyCdf: series '${name}' must be an array of latencies`);
      groups.set(name, [...values]);
    }
  }
  if (groups.size === 0) throw new Error('latencyCdf: no latency samples');
  return groups;
}

function percentilePoints(input: Percentiles, options: PercentileOptions): { series: string; p: number; value: number }[] {
  if (Array.isArray(input) || isTable(input)) {
    const pField = options.percentile ?? 'percentile';
    const vField = options.value ?? 'latency';
    return rowsOf(input as ChartData, [pField, vField, options.series], 'percentileChart').map((row) => ({
      series: options.series ? seriesLabel(row[options.series]) : '',
      p: parsePercentile(row[pField]),
      value: Number(row[vField]),
    }));
  }
  const entries = Object.entries(input as Record<string, unknown>);
  const nested = entries.length > 0 && entries.every(([, v]) => v !== null && typeof v === 'object');
  const maps: [string, Record<string, unknown>][] = nested ? (entries as [string, Record<string, unknown>][]) : [['', input as Record<string, unknown>]];
  return maps.flatMap(([series, map]) => Object.entries(map).map(([p, value]) => ({ series, p: parsePercentile(p), value: Number(value) })));
}

function parsePercentile(value: unknown): number {
  const p = Number(value);
  if (!(p >= 0 && p <= 100)) throw new Error(`percentileChart: percentile must be a number in [0, 100], got '${String(value)}'`);
  return p;
}

/** "99.900000" -> "99.9". */
function formatPercentile(p: number): string {
  return String(Number(p.toFixed(6)));
}
