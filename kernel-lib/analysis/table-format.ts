// Tables as a study shows them: the columns it wants in its order, headers in words with their
// unit ("throughput (IOPS)"), and numbers shown to their significance: a mean to the digit its
// confidence interval allows, other numbers to a few significant digits, one number of decimals
// per column so the decimal points line up (the page right-aligns numbers). Values stay the
// numbers the run gave (a CSV download has them all); only what is shown is rounded.
//
//   formatTable(summarize(t, ['qd'], 'read_iops'), {
//     qd: 'queue depth',
//     mean: { label: 'throughput', unit: 'IOPS', uncertainty: 'ci95' },
//     ci95: { label: '± 95% CI', unit: 'IOPS' },
//   })
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { axisTitle, rowsOf, type ChartData } from './chart-data.js';

export interface ColumnFormat {
  /** Header in words (default: the column name). */
  label?: string;
  /** Unit written in the header: "label (unit)". */
  unit?: string;
  /**
   * Factor from the column's unit to `unit` (µs to ms: 1e-3); the table holds the converted
   * values. An uncertainty column needs the same scale as its value.
   */
  scale?: number;
  /** Significant digits of the column's largest value (default 3). */
  digits?: number;
  /** Decimals shown, whatever the values (overrides digits and uncertainty). */
  decimals?: number;
  /**
   * Column holding each value's uncertainty (a ci95 or stddev): the column is shown to the
   * decimal of the uncertainty's leading digit (two digits when it starts with 1), the
   * uncertainty column too.
   */
  uncertainty?: string;
}

/** A table to display: its header texts and the decimals each numeric column is shown with. */
export type FormattedTable = ColumnTable & { columnDecimals: Record<string, number> };

export const DEFAULT_DIGITS = 3;

/**
 * The listed columns (a string is the header label), in that order, renamed to their headers,
 * with the decimals to show each numeric column with.
 */
export function formatTable(data: ChartData, columns: Readonly<Record<string, ColumnFormat | string>>): FormattedTable {
  const names = Object.keys(columns);
  const formats = Object.fromEntries(names.map((n) => [n, typeof columns[n] === 'string' ? { label: columns[n] } : columns[n]!])) as Record<string, ColumnFormat>;
  const needed = [...names, ...names.map((n) => formats[n]!.uncertainty)];
  let rows = rowsOf(data, needed, 'formatTable');
  const headers = names.map((n) => axisTitle(formats[n]!.label ?? n, formats[n]!.unit));
  const twice = headers.find((h, i) => headers.indexOf(h) !== i);
  if (twice !== undefined) throw new Error(`formatTable: two columns would have the header '${twice}'`);

  for (const n of names) {
    const factor = formats[n]!.scale;
    if (factor === undefined) continue;
    if (!(Number.isFinite(factor) && factor > 0)) throw new RangeError(`formatTable: scale of '${n}' must be a positive number, got ${factor}`);
    rows = rows.map((r) => ({ ...r, [n]: typeof r[n] === 'number' ? (r[n] as number) * factor : r[n] }));
  }
  const decimals: Record<string, number> = {};
  // Uncertainty columns take the decimals of the value they qualify.
  const byUncertainty = new Map<string, number>();
  names.forEach((n, i) => {
    const f = formats[n]!;
    const values = rows.map((r) => r[n]);
    if (!values.some((v) => typeof v === 'number')) return;
    const d =
      f.decimals ??
      (f.uncertainty !== undefined ? uncertaintyDecimals(rows.map((r) => r[f.uncertainty!])) : undefined) ??
      significantDecimals(values, f.digits ?? DEFAULT_DIGITS);
    checkDecimals(d, n);
    decimals[headers[i]!] = d;
    if (f.uncertainty !== undefined && f.decimals === undefined) byUncertainty.set(f.uncertainty, d);
  });
  names.forEach((n, i) => {
    const f = formats[n]!;
    if (byUncertainty.has(n) && f.decimals === undefined && f.digits === undefined) decimals[headers[i]!] = byUncertainty.get(n)!;
  });

  const out: Record<string, unknown[]> = {};
  names.forEach((n, i) => (out[headers[i]!] = rows.map((r) => r[n])));
  return Object.assign(aq.table(out), { columnDecimals: decimals });
}

/**
 * Decimals that give `digits` significant digits to the largest finite value, but never more
 * than the values have (a parameter 0.5 stays 0.5, not 0.500; integers get 0).
 */
export function significantDecimals(values: readonly unknown[], digits = DEFAULT_DIGITS): number {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return 0;
  const largest = Math.max(...finite.map(Math.abs));
  if (largest === 0) return 0;
  const wanted = Math.max(0, digits - 1 - Math.floor(Math.log10(largest)));
  return Math.min(wanted, Math.max(...finite.map(writtenDecimals)));
}

/** Decimals of a number as written to 12 significant digits (0.5 -> 1, 83.3062 -> 4, 12 -> 0). */
function writtenDecimals(v: number): number {
  const text = Number(v.toPrecision(12)).toExponential();
  const [mantissa, exponent] = text.split('e') as [string, string];
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

/**
 * Decimals to the leading digit of the typical (median) uncertainty, two digits when that digit
 * is 1 (the usual rule: 131.3 ± 2.4 shows as 131 ± 2, 131.27 ± 0.14 as 131.27 ± 0.14).
 * Undefined when there is no finite positive uncertainty (one replicate).
 */
export function uncertaintyDecimals(uncertainties: readonly unknown[]): number | undefined {
  const u = uncertainties.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  if (u.length === 0) return undefined;
  const median = u[Math.floor(u.length / 2)]!;
  const exponent = Math.floor(Math.log10(median));
  const leading = Math.floor(median / 10 ** exponent);
  return Math.max(0, -exponent + (leading === 1 ? 1 : 0));
}

function checkDecimals(d: number, column: string): void {
  if (!Number.isInteger(d) || d < 0 || d > 20) throw new RangeError(`formatTable: decimals of '${column}' must be an integer from 0 to 20, got ${d}`);
}
