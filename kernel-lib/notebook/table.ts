// An arquero table as a display bundle: an HTML table for notebooks and report pages plus an
// aligned text table for terminals and `text/plain` readers. Long tables are cut to their first
// rows with a note saying how many were left out, so a 100 000-row sweep does not flood the page.
//
// Tables are recognised by shape, not by `instanceof`: a cell's arquero (loaded by the kernel's
// CommonJS require) and the library's (loaded as an ES module) can be two module instances.
import { escapeHTML } from './html-escape.js';

/** The part of arquero's ColumnTable the notebook layer uses. */
export interface TableLike {
  numRows(): number;
  numCols(): number;
  columnNames(): string[];
  objects(options?: { limit?: number }): Record<string, unknown>[];
  /** arquero's CSV writer (RFC 4180). */
  toCSV?(options?: { limit?: number }): string;
  /** Decimals to show per column (analysis' formatTable sets them); others as formatCell does. */
  columnDecimals?: Record<string, number>;
}

export function isTable(value: unknown): value is TableLike {
  const t = value as Partial<TableLike> | null;
  return (
    typeof t === 'object' &&
    t !== null &&
    typeof t.numRows === 'function' &&
    typeof t.numCols === 'function' &&
    typeof t.columnNames === 'function' &&
    typeof t.objects === 'function'
  );
}

/** Rows shown before the note "… N more rows". */
export const DEFAULT_ROW_LIMIT = 50;

/**
 * A cell as people read it: numbers to 6 significant digits, no exponent for ordinary sizes;
 * with `decimals`, exactly that many (a column rounded to its significance).
 */
export function formatCell(value: unknown, decimals?: number): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && decimals !== undefined && Number.isFinite(value)) {
    const text = value.toFixed(decimals);
    // -0.001 shown with 2 decimals is 0.00, not -0.00.
    return Number(text) === 0 ? text.replace(/^-/, '') : text;
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
    const abs = Math.abs(value);
    if (abs !== 0 && (abs < 1e-4 || abs >= 1e15)) return value.toPrecision(6);
    return String(Number(value.toPrecision(6)));
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}


function omittedNote(table: TableLike, shown: number): string {
  const hidden = table.numRows() - shown;
  return `${hidden} more row${hidden === 1 ? '' : 's'} not shown (${table.numRows()} rows × ${table.numCols()} columns)`;
}

export function tableToText(table: TableLike, limit = DEFAULT_ROW_LIMIT): string {
  const names = table.columnNames();
  const rows = table.objects({ limit });
  const decimals = table.columnDecimals ?? {};
  const cells = rows.map((row) => names.map((name) => formatCell(row[name], decimals[name])));
  const numeric = names.map((name) => rows.every((row) => row[name] == null || typeof row[name] === 'number'));
  const widths = names.map((name, c) => Math.max(name.length, ...cells.map((row) => row[c]!.length)));
  const pad = (text: string, c: number) => (numeric[c] ? text.padStart(widths[c]!) : text.padEnd(widths[c]!));
  const lines = [
    names.map(pad).join('  ').trimEnd(),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map((row) => row.map(pad).join('  ').trimEnd()),
  ];
  if (rows.length < table.numRows()) lines.push(`… ${omittedNote(table, rows.length)}`);
  return lines.join('\n');
}

export function tableToHTML(table: TableLike, limit = DEFAULT_ROW_LIMIT): string {
  const names = table.columnNames();
  const rows = table.objects({ limit });
  const numeric = names.map((name) => rows.every((row) => row[name] == null || typeof row[name] === 'number'));
  const align = (c: number) => (numeric[c] ? ' class="num"' : '');
  const decimals = table.columnDecimals ?? {};
  const head = names.map((name, c) => `<th${align(c)}>${escapeHTML(name)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${names.map((name, c) => `<td${align(c)}>${escapeHTML(formatCell(row[name], decimals[name]))}</td>`).join('')}</tr>`)
    .join('\n');
  const note =
    rows.length < table.numRows() ? `\n<p class="dmsim-table-note">… ${escapeHTML(omittedNote(table, rows.length))}</p>` : '';
  return `<table class="dmsim-table">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>${note}`;
}

/**
 * Rows written as `text/csv` (a report page offers them as a download): all of a sweep's
 * table, but not an unbounded amount in the notebook file.
 */
export const CSV_ROW_LIMIT = 10_000;

/** The table as CSV (its first CSV_ROW_LIMIT rows), or undefined if it cannot write CSV. */
export function tableToCSV(table: TableLike): string | undefined {
  return typeof table.toCSV === 'function' ? table.toCSV({ limit: CSV_ROW_LIMIT }) : undefined;
}
