// Live charts and data downloads on a report page. A chart output carries its Vega-Lite spec;
// the page keeps the static SVG drawn in Node (print, scripts off) and adds the spec, which
// vega and vega-lite, inlined into the page with report-charts.js, draw in the browser to the
// page's width with tooltips and "save as SVG / PNG". Nothing is fetched: the libraries are
// the installed packages' own builds, and the page's Content-Security-Policy allows that one
// script by hash. The data behind every chart and table is a CSV download (a data: link,
// which works with scripts off too).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapeHTML } from './html-escape.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

let script: string | undefined;

/** vega, vega-lite (UMD builds: they set window.vega, window.vegaLite), then our drawing code. */
export function chartScript(): string {
  if (script !== undefined) return script;
  const build = (pkg: string, file: string) =>
    readFileSync(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'build', file), 'utf8')
      // A source map URL would only make a browser's developer tools look for a file.
      .replace(/^\/\/# sourceMappingURL=.*$/m, '');
  const parts = [build('vega', 'vega.min.js'), build('vega-lite', 'vega-lite.min.js'), readFileSync(path.join(HERE, 'report-charts.js'), 'utf8')];
  const joined = parts.join('\n;\n');
  // Inlined in a <script> element, "</script" would end it early.
  if (/<\/script/i.test(joined)) throw new Error('report charts: a bundled script contains "</script"; it cannot be inlined');
  script = joined;
  return script;
}

/** RFC 4180 CSV of rows (the union of their keys, in first-seen order, is the header). */
export function csvOf(rows: readonly Record<string, unknown>[]): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows)
    for (const key of Object.keys(row))
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
  const field = (value: unknown) => {
    const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.map(field).join(','), ...rows.map((row) => columns.map((c) => field(row[c])).join(','))].join('\r\n') + '\r\n';
}

/** The rows a Vega-Lite spec draws: its inline `data.values`, or those of its first layer that has some. */
export function specRows(spec: unknown): Record<string, unknown>[] | undefined {
  const s = spec as { data?: { values?: unknown }; layer?: unknown[] } | undefined;
  if (Array.isArray(s?.data?.values)) return s.data.values as Record<string, unknown>[];
  for (const layer of s?.layer ?? []) {
    const rows = specRows(layer);
    if (rows) return rows;
  }
  return undefined;
}

export function csvLink(csv: string, file: string, what = 'data'): string {
  return `<a class="csv" download="${escapeHTML(file)}" href="data:text/csv;charset=utf-8,${encodeURIComponent(csv)}">${escapeHTML(what)} (CSV)</a>`;
}

/** The live chart's holder and the figure's actions (save buttons appear once a script runs). */
export function liveChart(spec: unknown): string {
  return `<div class="vega-chart" data-spec="${escapeHTML(JSON.stringify(spec))}"></div>`;
}

export function figureActions(label: string, rows: Record<string, unknown>[] | undefined, live: boolean): string {
  const links = [
    rows ? csvLink(csvOf(rows), `${label}.csv`) : '',
    live ? '<button type="button" data-save="svg" hidden>save SVG</button><button type="button" data-save="png" hidden>save PNG</button>' : '',
  ].filter(Boolean);
  return links.length ? `<div class="figure-actions">${links.join(' ')}</div>` : '';
}
