// An executed notebook as one standalone HTML page: markdown rendered with marked, code
// highlighted with highlight.js inside <details> (foldable), outputs as Jupyter would show
// them. Nothing is loaded from elsewhere (no scripts, fonts or stylesheets by URL), each SVG
// figure is embedded as a data: image (several vega SVGs in one page would otherwise share
// element ids), and the CSS adapts to phones and print. The page is a pure function of the
// notebook and its provenance, so two runs give the same bytes except the timing line.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import hljs from 'highlight.js/lib/core';
import typescript from 'highlight.js/lib/languages/typescript';
import { Marked } from 'marked';
import { hasTag, joinSource, type Cell, type Notebook, type Output } from './nbformat.js';
import type { Provenance } from './provenance.js';
import { provenanceHTML } from './provenance.js';
import { escapeHTML } from './html-escape.js';
import { sanitizeHTML } from './sanitize.js';
import { findingOf } from './finding.js';
import { VEGALITE_MIME } from '../analysis/chart.js';
import { chartScript, csvLink, figureActions, liveChart, specRows } from './page-charts.js';
import { cellOptions, crossReference, HeadingAnchors, numberFigures, questionCell, type Figure } from './page-outline.js';

hljs.registerLanguage('typescript', typescript);

const HERE = path.dirname(fileURLToPath(import.meta.url));
const markdown = new Marked({ gfm: true, async: false });


/** The page's CSS: highlight.js's GitHub theme, then ours (which adjusts it), both inlined. */
export function pageCSS(): string {
  const theme = readFileSync(path.join(HERE, '..', '..', 'node_modules', 'highlight.js', 'styles', 'github.css'), 'utf8');
  return theme + '\n' + readFileSync(path.join(HERE, 'report.css'), 'utf8');
}

/** Markdown as HTML, sanitised (marked passes raw HTML in markdown through as it is). */
export function renderMarkdown(text: string): string {
  return sanitizeHTML(markdown.parse(text) as string);
}

export function renderInlineMarkdown(text: string): string {
  return sanitizeHTML(markdown.parseInline(text) as string);
}

const ANSI = /\u001b\[[0-9;]*m/g;

function text(value: unknown): string {
  return Array.isArray(value) ? value.join('') : String(value ?? '');
}

/** What rendering a cell needs to know about the whole page. */
interface PageContext {
  figures: Map<Output, Figure>;
  byLabel: Map<string, Figure>;
  anchors: HeadingAnchors;
  /** Markdown already shown in the page's head (the title, a question taken from the title cell). */
  lifted: Map<Cell, string[]>;
  /** Live charts and tables with data so far (the page needs the chart script if any). */
  charts: number;
  tables: number;
}

/** Markdown of the page's body: sanitised, headings anchored, `@fig-` references linked. */
function bodyMarkdown(source: string, page: PageContext): string {
  return crossReference(page.anchors.anchor(renderMarkdown(source)), page.byLabel);
}

function figureHTML(inner: string, figure: Figure | undefined, spec?: unknown): string {
  const live = spec !== undefined && typeof spec === 'object' && spec !== null;
  const classes = live ? 'output figure chart' : 'output figure';
  const body = live ? `${liveChart(spec)}${inner}` : inner;
  if (!figure) return `<figure class="${classes}">${body}</figure>`;
  const caption = `<figcaption><span class="fig-number">Figure ${figure.number}</span>${figure.caption ? `. ${escapeHTML(figure.caption)}` : ''}</figcaption>`;
  const actions = figureActions(figure.label, live ? specRows(spec) : undefined, live);
  return `<figure class="${classes}" id="${escapeHTML(figure.label)}">${body}${caption}${actions}</figure>`;
}

function renderOutput(output: Output, page: PageContext): string {
  switch (output.output_type) {
    case 'stream':
      return `<pre class="output stream ${escapeHTML(String(output.name))}">${escapeHTML(text(output.text))}</pre>`;
    case 'error':
      return `<pre class="output error">${escapeHTML(output.traceback.join('\n').replace(ANSI, ''))}</pre>`;
    case 'display_data':
    case 'execute_result': {
      const data = output.data;
      const alt = escapeHTML(text(data['text/plain']));
      const figure = page.figures.get(output);
      if (data['image/svg+xml'] !== undefined) {
        const svg = Buffer.from(text(data['image/svg+xml']), 'utf8').toString('base64');
        const spec = data[VEGALITE_MIME];
        if (spec !== undefined) page.charts++;
        return figureHTML(`<img alt="${alt}" src="data:image/svg+xml;base64,${svg}">`, figure, spec);
      }
      if (data['image/png'] !== undefined) {
        // Base64 has no quote or markup character; anything else is not a PNG.
        const png = text(data['image/png']).replace(/\s+/g, '');
        if (/^[A-Za-z0-9+/=]*$/.test(png)) return figureHTML(`<img alt="${alt}" src="data:image/png;base64,${png}">`, figure);
      }
      if (data['text/html'] !== undefined) {
        const html = `<div class="output html">${sanitizeHTML(text(data['text/html']))}</div>`;
        if (data['text/csv'] === undefined) return html;
        // A table: its data (all of it, not only the rows shown) as a download.
        const n = ++page.tables;
        return `${html}\n<div class="table-actions">${csvLink(text(data['text/csv']), `table-${n}.csv`, `table ${n} data`)}</div>`;
      }
      if (data['text/markdown'] !== undefined) return `<div class="output markdown">${bodyMarkdown(text(data['text/markdown']), page)}</div>`;
      return `<pre class="output text">${escapeHTML(text(data['text/plain']))}</pre>`;
    }
  }
}

/** A finding cell's string result is a sentence: shown as prose (escaped), not as a quoted value. */
function findingProse(output: Output): string | undefined {
  if (output.output_type !== 'execute_result' || Object.keys(output.data).some((m) => m !== 'text/plain')) return undefined;
  const quoted = /^(['"`])([\s\S]*)\1$/.exec(text(output.data['text/plain']).trim());
  return quoted ? `<p class="output finding-text">${escapeHTML(quoted[2]!.replace(/\\(['"`\\])/g, '$1'))}</p>` : undefined;
}

/** Markdown `source` minus the parts the page's head already shows. */
function withoutLifted(source: string, lifted: string[] | undefined): string {
  let rest = source;
  for (const part of lifted ?? []) rest = rest.replace(part, '');
  return rest.trim();
}

function renderCell(cell: Cell, index: number, page: PageContext): string {
  const classes = ['cell', `${cell.cell_type}-cell`];
  if (hasTag(cell, 'finding')) classes.push('finding');
  const open = `<section class="${classes.join(' ')}" id="cell-${index + 1}">`;
  const source = joinSource(cell.source);
  if (cell.cell_type === 'markdown') {
    const rest = withoutLifted(source, page.lifted.get(cell));
    return rest ? `${open}\n${bodyMarkdown(rest, page)}</section>` : '';
  }
  if (cell.cell_type === 'raw') return `${open}<pre class="raw">${escapeHTML(source)}</pre></section>`;
  // Code is folded by default (the page's code tools unfold it all); the parameters are the
  // knobs a reader may want to turn, so they stay open unless the cell asks to be hidden.
  const hidden = hasTag(cell, 'hide-input') || (cell.metadata.jupyter as { source_hidden?: boolean } | undefined)?.source_hidden;
  const parameters = hasTag(cell, 'parameters') || hasTag(cell, 'injected-parameters');
  const role = hasTag(cell, 'parameters') ? 'Parameters' : hasTag(cell, 'injected-parameters') ? 'Injected parameters' : 'Code';
  const prompt = cell.execution_count ? `In [${cell.execution_count}]` : 'In [ ]';
  const code = hljs.highlight(cellOptions(source).code, { language: 'typescript' }).value;
  const finding = hasTag(cell, 'finding');
  const outputs = (cell.outputs ?? []).map((o) => (finding && findingProse(o)) || renderOutput(o, page)).join('\n');
  return (
    `${open}\n<details class="source"${parameters && !hidden ? ' open' : ''}><summary>${prompt} ${role}</summary>` +
    `<pre><code class="hljs language-typescript">${code}</code></pre></details>\n` +
    (outputs ? `<div class="outputs">\n${outputs}\n</div>\n` : '') +
    `</section>`
  );
}

/** The notebook's title: its first markdown heading, else its file name. */
export function notebookTitle(notebook: Notebook, file: string): string {
  for (const cell of notebook.cells) {
    if (cell.cell_type !== 'markdown') continue;
    const heading = /^#{1,2}\s+(.+)$/m.exec(joinSource(cell.source));
    if (heading) return heading[1]!.trim();
  }
  return path.basename(file, '.ipynb');
}

const hashSource = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The page's Content-Security-Policy: nothing from elsewhere, and of its own inline resources
 * only those listed by hash — its style sheet and the given scripts (none today; an
 * interactive chart's script would be listed here). An element injected into the body, had
 * the sanitiser missed it, matches no hash and does not run; images are data: URLs only.
 */
export function contentSecurityPolicy(style: string, scripts: readonly string[] = [], options: { evaluates?: boolean } = {}): string {
  const allowed = scripts.map(hashSource);
  if (allowed.length && options.evaluates) allowed.push("'unsafe-eval'");
  return [
    "default-src 'none'",
    `style-src ${hashSource(style)}`,
    `script-src ${allowed.length ? allowed.join(' ') : "'none'"}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** A standalone page; `scripts` are inline scripts the CSP allows by hash. */
export function pageShell(title: string, body: string, scripts: readonly string[] = [], options: { evaluates?: boolean } = {}): string {
  const style = `\n${pageCSS()}\n`;
  const scriptTags = scripts.map((s) => `<script>${s}</script>\n`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(style, scripts, options)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHTML(title)}</title>
<style>${style}</style>
</head>
<body>
${body}
${scriptTags}</body>
</html>
`;
}

/** The page-wide code switch: folded (the default), all shown, or none (outputs only, as printed). */
const CODE_TOOLS = `<div class="code-tools" role="radiogroup" aria-label="Code">Code:
<input type="radio" name="code" id="code-folded" checked><label for="code-folded">folded</label>
<input type="radio" name="code" id="code-shown"><label for="code-shown">shown</label>
<input type="radio" name="code" id="code-hidden"><label for="code-hidden">hidden</label>
</div>`;

/**
 * The page: title, the question, the finding, the contents, then the notebook, then its
 * provenance. Figures are numbered before anything is rendered, so prose may refer to a
 * figure further down.
 */
export function notebookPage(notebook: Notebook, file: string, provenance: Provenance): string {
  const title = notebookTitle(notebook, file);
  const figures = numberFigures(notebook.cells);
  const byLabel = new Map([...figures.values()].map((f) => [f.label, f]));
  const anchors = new HeadingAnchors();
  anchors.reserve('title');
  const lifted = new Map<Cell, string[]>();
  const lift = (cell: Cell, part: string) => lifted.set(cell, [...(lifted.get(cell) ?? []), part]);
  const titleCell = notebook.cells.find((c) => c.cell_type === 'markdown' && /^#{1,2}\s+/m.test(joinSource(c.source)));
  const titleLine = titleCell && /^#{1,2}\s+.+$/m.exec(joinSource(titleCell.source));
  if (titleCell && titleLine) lift(titleCell, titleLine[0]);
  const page: PageContext = { figures, byLabel, anchors, lifted, charts: 0, tables: 0 };

  const question = questionCell(notebook.cells);
  if (question) lift(question.cell, question.fromTitle ? question.paragraph : joinSource(question.cell.source));
  const questionHTML = question
    ? `<div class="question" id="question"><span class="label">Question</span>${crossReference(renderMarkdown(question.paragraph), byLabel)}</div>\n`
    : '';
  const finding = findingOf(notebook);
  const findingText = finding.format === 'markdown' ? renderInlineMarkdown(finding.text) : escapeHTML(finding.text);
  const findingHTML = finding.text
    ? `<div class="finding-summary" id="finding"><span class="label">Finding</span><p>${crossReference(findingText, byLabel)}</p></div>\n`
    : '';
  const cells = notebook.cells.map((c, i) => renderCell(c, i, page)).filter(Boolean).join('\n');
  const head =
    `<header class="report-head">\n<h1 id="title">${escapeHTML(title)}</h1>\n${questionHTML}${findingHTML}` +
    `${anchors.toc()}\n${CODE_TOOLS}\n</header>`;
  // The executed notebook is written beside the page under the same name (report-notebook.ts).
  const executed = `${path.basename(file, '.ipynb')}.ipynb`;
  const body =
    `<nav class="crumbs"><a href="index.html">dmsim reports</a> › ${escapeHTML(path.basename(file))}` +
    ` · <a href="${escapeHTML(encodeURIComponent(executed))}" download>executed notebook (.ipynb)</a></nav>\n` +
    `${head}\n<main>\n${cells}\n</main>\n${provenanceHTML(provenance)}`;
  // vega compiles its expressions with Function(): the chart script needs 'unsafe-eval'
  // (vega-interpreter would remove that need; it is not installed).
  return page.charts ? pageShell(`${title} · dmsim`, body, [chartScript()], { evaluates: true }) : pageShell(`${title} · dmsim`, body);
}
