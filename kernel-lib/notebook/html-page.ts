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

function renderOutput(output: Output): string {
  switch (output.output_type) {
    case 'stream':
      return `<pre class="output stream ${escapeHTML(String(output.name))}">${escapeHTML(text(output.text))}</pre>`;
    case 'error':
      return `<pre class="output error">${escapeHTML(output.traceback.join('\n').replace(ANSI, ''))}</pre>`;
    case 'display_data':
    case 'execute_result': {
      const data = output.data;
      const alt = escapeHTML(text(data['text/plain']));
      if (data['image/svg+xml'] !== undefined) {
        const svg = Buffer.from(text(data['image/svg+xml']), 'utf8').toString('base64');
        return `<figure class="output figure"><img alt="${alt}" src="data:image/svg+xml;base64,${svg}"></figure>`;
      }
      if (data['image/png'] !== undefined) {
        // Base64 has no quote or markup character; anything else is not a PNG.
        const png = text(data['image/png']).replace(/\s+/g, '');
        if (/^[A-Za-z0-9+/=]*$/.test(png)) return `<figure class="output figure"><img alt="${alt}" src="data:image/png;base64,${png}"></figure>`;
      }
      if (data['text/html'] !== undefined) return `<div class="output html">${sanitizeHTML(text(data['text/html']))}</div>`;
      if (data['text/markdown'] !== undefined) return `<div class="output markdown">${renderMarkdown(text(data['text/markdown']))}</div>`;
      return `<pre class="output text">${escapeHTML(text(data['text/plain']))}</pre>`;
    }
  }
}

function renderCell(cell: Cell, index: number): string {
  const classes = ['cell', `${cell.cell_type}-cell`];
  if (hasTag(cell, 'finding')) classes.push('finding');
  const open = `<section class="${classes.join(' ')}" id="cell-${index + 1}">`;
  const source = joinSource(cell.source);
  if (cell.cell_type === 'markdown') return `${open}\n${renderMarkdown(source)}</section>`;
  if (cell.cell_type === 'raw') return `${open}<pre class="raw">${escapeHTML(source)}</pre></section>`;
  const hidden = hasTag(cell, 'hide-input') || (cell.metadata.jupyter as { source_hidden?: boolean } | undefined)?.source_hidden;
  const role = hasTag(cell, 'parameters') ? 'Parameters' : hasTag(cell, 'injected-parameters') ? 'Injected parameters' : 'Code';
  const prompt = cell.execution_count ? `In [${cell.execution_count}]` : 'In [ ]';
  const code = hljs.highlight(source, { language: 'typescript' }).value;
  const outputs = (cell.outputs ?? []).map(renderOutput).join('\n');
  return (
    `${open}\n<details class="source"${hidden ? '' : ' open'}><summary>${prompt} ${role}</summary>` +
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
export function contentSecurityPolicy(style: string, scripts: readonly string[] = []): string {
  return [
    "default-src 'none'",
    `style-src ${hashSource(style)}`,
    `script-src ${scripts.length ? scripts.map(hashSource).join(' ') : "'none'"}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** A standalone page; `scripts` are inline scripts the CSP allows by hash. */
export function pageShell(title: string, body: string, scripts: readonly string[] = []): string {
  const style = `\n${pageCSS()}\n`;
  const scriptTags = scripts.map((s) => `<script>${s}</script>\n`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(style, scripts)}">
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

export function notebookPage(notebook: Notebook, file: string, provenance: Provenance): string {
  const title = notebookTitle(notebook, file);
  const cells = notebook.cells.map(renderCell).join('\n');
  const body =
    `<nav class="crumbs"><a href="index.html">dmsim reports</a> › ${escapeHTML(path.basename(file))}</nav>\n` +
    `<main>\n${cells}\n</main>\n${provenanceHTML(provenance)}`;
  return pageShell(`${title} · dmsim`, body);
}
