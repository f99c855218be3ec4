// What every chart helper does to its input: accept an arquero table or an array of row
// objects, check the named columns exist, and produce plain JSON rows to embed in the spec
// (so a spec is self-contained and can be saved, sent to JupyterLab or rendered offline).
import type { ColumnTable } from 'arquero';

export type Row = Record<string, unknown>;
export type ChartData = ColumnTable | readonly Row[];

/** The rows of a table or array, after checking that every named column exists. */
export function rowsOf(data: ChartData, columns: readonly (string | undefined)[], chart: string): Row[] {
  const rows: Row[] = Array.isArray(data) ? [...(data as readonly Row[])] : ((data as ColumnTable).objects() as Row[]);
  const available = Array.isArray(data) ? [...new Set(rows.flatMap((row) => Object.keys(row)))] : (data as ColumnTable).columnNames();
  for (const column of columns) {
    if (column !== undefined && !available.includes(column)) {
      throw new Error(`${chart}: no column '${column}' in the data (columns: ${available.join(', ') || 'none'})`);
    }
  }
  return rows;
}

/** "throughput (MB/s)": axis titles carry their unit written out. */
export function axisTitle(label: string, unit?: string): string {
  return unit ? `${label} (${unit})` : label;
}

/** JSON has no NaN or Infinity: such values become null (Vega-Lite skips them). */
export function finiteOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Series labels as strings, so numbers (e.g. an iodepth) get a categorical colour scale. */
export function seriesLabel(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/** Time units of the simulator (nanoseconds) and of plots, with their size in nanoseconds. */
export const TIME_UNITS = { ns: 1, 'µs': 1e3, us: 1e3, ms: 1e6, s: 1e9 } as const;
export type TimeUnit = keyof typeof TIME_UNITS;

/** Converts a duration between time units. */
export function convertTime(value: number, from: TimeUnit, to: TimeUnit): number {
  for (const unit of [from, to]) {
    if (!(unit in TIME_UNITS)) throw new Error(`unknown time unit '${unit}' (known: ${Object.keys(TIME_UNITS).join(', ')})`);
  }
  return (value * TIME_UNITS[from]) / TIME_UNITS[to];
}

/** How a time unit is written in an axis title ('us' is typed, 'µs' is shown). */
export function displayUnit(unit: TimeUnit): string {
  return unit === 'us' ? 'µs' : unit;
}

/** True for an arquero table (anything with `objects()`), false for arrays and plain maps. */
export function isTable(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { objects?: unknown }).objects === 'function';
}

/** True when every value is a positive power of two (1, 2, 4, ..., or 1/2, 1/4, ...). */
export function allPowersOfTwo(values: readonly unknown[]): boolean {
  return values.length > 0 && values.every((v) => typeof v === 'number' && v > 0 && Number.isInteger(Math.log2(v)));
}

/**
 * A log scale that fits the values: base 2 with one tick per power of two in their range when
 * they all are powers of two (iodepth, block size, region size: 1, 2, 4 ... reads better than
 * 1, 10, 100), base 10 otherwise. Returns the encoding's `scale` and, for base 2, its `axis`.
 */
export function logScale(values: readonly unknown[]): { scale: Record<string, unknown>; axis?: Record<string, unknown> } {
  if (!allPowersOfTwo(values)) return { scale: { type: 'log' } };
  const exponents = (values as number[]).map((v) => Math.log2(v));
  const lo = Math.min(...exponents);
  const hi = Math.max(...exponents);
  // Every power in the range, or every other one when there are many (a phone's narrow axis).
  const step = Math.max(1, Math.ceil((hi - lo + 1) / 12));
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e += step) ticks.push(2 ** e);
  return { scale: { type: 'log', base: 2 }, axis: { values: ticks, format: '~g' } };
}

/**
 * Zoom for the live chart: an interval selection bound to the scales (drag to pan, wheel or
 * pinch to zoom, double-click to go back). Put on one layer only; report pages leave it out
 * on phones, where a drag must scroll the page.
 */
export const ZOOM_PARAM = { name: 'zoom', select: 'interval', bind: 'scales' } as const;

/** Default plot size, wide enough for a legend beside it. */
export const SIZE = { width: 420, height: 260 } as const;
