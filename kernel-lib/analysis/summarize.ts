// Replicates -> one row per group: the numbers error bars are drawn from.
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { studentTQuantile } from './student-t.js';

export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1 in the denominator); NaN when n < 2. */
  stddev: number;
  /** Half-width of the 95% confidence interval of the mean (Student t); NaN when n < 2. */
  ci95: number;
  min: number;
  max: number;
}

/** Summary statistics of a list of numbers (non-finite values are ignored). */
export function describeSample(values: Iterable<unknown>): Summary {
  const xs = [...values].filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n, mean: NaN, stddev: NaN, ci95: NaN, min: NaN, max: NaN };
  const mean = xs.reduce((sum, x) => sum + x, 0) / n;
  const stddev = n < 2 ? NaN : Math.sqrt(xs.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1));
  const ci95 = n < 2 ? NaN : (studentTQuantile(0.975, n - 1) * stddev) / Math.sqrt(n);
  return { n, mean, stddev, ci95, min: Math.min(...xs), max: Math.max(...xs) };
}

/**
 * One row per distinct combination of the `by` columns (in order of first appearance), with
 * n, mean, stddev, ci95, min and max of `metric`.
 */
export function summarize(table: ColumnTable, by: string | readonly string[], metric: string): ColumnTable {
  const keys = typeof by === 'string' ? [by] : [...by];
  for (const name of [...keys, metric]) {
    if (!table.columnNames().includes(name)) {
      throw new Error(`summarize: no column '${name}' (columns: ${table.columnNames().join(', ')})`);
    }
  }
  const groups = new Map<string, { key: unknown[]; values: unknown[] }>();
  const rows = table.objects() as Record<string, unknown>[];
  for (const row of rows) {
    const key = keys.map((name) => row[name]);
    const id = JSON.stringify(key);
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { key, values: [] }));
    group.values.push(row[metric]);
  }
  const out = [...groups.values()].map(({ key, values }) => ({
    ...Object.fromEntries(keys.map((name, i) => [name, key[i]])),
    ...describeSample(values),
  }));
  return aq.from(out, [...keys, 'n', 'mean', 'stddev', 'ci95', 'min', 'max']);
}
