// Values over simulated time: throughput per time bin as a line, or a scatter of events such
// as the disk head's position at each request (the classic seek-pattern picture).
import { Chart } from './chart.js';
import { axisTitle, convertTime, displayUnit, finiteOrNull, logScale, rowsOf, seriesLabel, SIZE, ZOOM_PARAM, type ChartData, type TimeUnit } from './chart-data.js';

export interface TimeSeriesOptions {
  /** Time column. Default 'time'. */
  time?: string;
  /** Value column. */
  y: string;
  series?: string;
  /** Unit of the time column (default 'ns', the simulator's clock) and on the axis (default 's'). */
  inputUnit?: TimeUnit;
  timeUnit?: TimeUnit;
  yLabel?: string;
  yUnit?: string;
  seriesLabel?: string;
  /** 'line' (default) or 'point' for a scatter. */
  mark?: 'line' | 'point';
  yScale?: 'linear' | 'log';
  /** Drag to pan, wheel to zoom in the live chart (default true: long runs have detail to look into). */
  zoom?: boolean;
  title?: string;
  width?: number;
  height?: number;
}

export function timeSeries(data: ChartData, options: TimeSeriesOptions): Chart {
  const time = options.time ?? 'time';
  const { y, series } = options;
  const from = options.inputUnit ?? 'ns';
  const to = options.timeUnit ?? 's';
  const values = rowsOf(data, [time, y, series], 'timeSeries').map((row) => ({
    t: convertTime(Number(row[time]), from, to),
    y: finiteOrNull(row[y]),
    ...(series ? { series: seriesLabel(row[series]) } : {}),
  }));
  const mark = options.mark ?? 'line';
  return Chart.fromJSON({
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? SIZE.width,
    height: options.height ?? SIZE.height,
    data: { values },
    ...(options.zoom ?? true ? { params: [ZOOM_PARAM] } : {}),
    mark: mark === 'point' ? { type: 'point', filled: true, size: 12, opacity: 0.7 } : { type: 'line' },
    encoding: {
      x: { field: 't', type: 'quantitative', title: axisTitle('time', displayUnit(to)) },
      y: { field: 'y', type: 'quantitative', title: axisTitle(options.yLabel ?? y, options.yUnit), ...(options.yScale === 'log' ? logScale(values.map((v) => v.y)) : { scale: { zero: mark === 'line' } }) },
      ...(series ? { color: { field: 'series', type: 'nominal', title: options.seriesLabel ?? series } } : {}),
    },
  });
}

/** A scatter over time, e.g. `scatter(trace, { y: 'sector', yLabel: 'head position', yUnit: 'sector' })`. */
export function scatter(data: ChartData, options: Omit<TimeSeriesOptions, 'mark'>): Chart {
  return timeSeries(data, { ...options, mark: 'point' });
}
