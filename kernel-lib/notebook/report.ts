// `make report`: every notebooks/*.ipynb executed in process, in name order, into reports/:
// the executed notebook, a standalone HTML page, and index.html listing the studies with
// their findings. A failing notebook is reported (notebook, cell, line), keeps its last good
// page, and makes the whole report fail; the other notebooks still render.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { CellCompiler } from './compiler.js';
import { findingOf, type Finding } from './finding.js';
import { escapeHTML } from './html-escape.js';
import { notebookPage, notebookTitle, pageShell, renderInlineMarkdown } from './html-page.js';
import { readNotebook, writeFileAtomic, writeNotebook, type Notebook } from './nbformat.js';
import { checkNoInjectedParameters } from './parameters.js';
import { provenance } from './provenance.js';
import { runNotebook, type CellFailure } from './runner.js';

export interface StudyResult {
  /** Path relative to the project, e.g. notebooks/getting-started.ipynb. */
  notebook: string;
  title: string;
  finding: Finding;
  page: string;
  /** Whether reports/ holds a page for it (after a failure: the last good one). */
  hasPage: boolean;
  failure?: CellFailure | { location: string; ename: string; evalue: string };
  wallSeconds: number;
}

export interface ReportOptions {
  rootDir: string;
  notebooksDir?: string;
  reportsDir?: string;
  /** Progress lines (the CLI passes stderr). */
  log?: (line: string) => void;
}

function indexPage(studies: StudyResult[]): string {
  const items = studies.map((s) => {
    const status = s.failure
      ? `<div class="status">The last run failed at ${escapeHTML(s.failure.location)}${
          s.hasPage ? '; the page is from the last good run' : '; no page yet'
        }.</div>`
      : '';
    // An author's markdown is rendered (and sanitised); computed text is shown as text.
    const shown = s.finding.format === 'markdown' ? renderInlineMarkdown(s.finding.text) : escapeHTML(s.finding.text);
    const finding = s.finding.text ? `<p class="finding">${shown}</p>` : '';
    const title = s.hasPage
      ? `<a class="title" href="${escapeHTML(s.page)}">${escapeHTML(s.title)}</a>`
      : `<span class="title">${escapeHTML(s.title)}</span>`;
    return `<li>${title}${finding}${status}</li>`;
  });
  const list = items.length ? `<ul class="studies">\n${items.join('\n')}\n</ul>` : '<p>No notebooks in notebooks/ yet.</p>';
  return pageShell('dmsim reports', `<main>\n<h1>dmsim studies</h1>\n${list}\n</main>`);
}

interface Context {
  rootDir: string;
  notebooksDir: string;
  reportsDir: string;
  compiler: CellCompiler;
  log: (line: string) => void;
}

/** Runs one notebook and, if it succeeds, writes its executed notebook and page. */
async function reportNotebook(file: string, ctx: Context): Promise<StudyResult> {
  const name = path.relative(ctx.rootDir, path.join(ctx.notebooksDir, file));
  const base = path.basename(file, '.ipynb');
  const page = `${base}.html`;
  const pagePath = path.join(ctx.reportsDir, page);
  const lastGood = path.join(ctx.reportsDir, `${base}.ipynb`);
  const study = (notebook: Notebook | undefined, rest: Pick<StudyResult, 'failure' | 'wallSeconds'>): StudyResult => ({
    notebook: name,
    title: notebook ? notebookTitle(notebook, file) : base,
    finding: notebook ? findingOf(notebook) : { text: '', format: 'text' },
    page,
    hasPage: existsSync(pagePath),
    ...rest,
  });
  let source: Notebook | undefined;
  try {
    source = readNotebook(path.join(ctx.notebooksDir, file));
    checkNoInjectedParameters(source, name);
    const result = await runNotebook(source, name, { compiler: ctx.compiler });
    if (result.failure) {
      const f = result.failure;
      ctx.log(`${name}: FAILED at ${f.location}: ${f.ename}: ${f.evalue}\n${f.traceback.join('\n')}`);
      // The page kept is the last good run's, so the index shows that run's finding.
      const shown = existsSync(lastGood) ? readNotebook(lastGood) : source;
      return study(shown, { failure: f, wallSeconds: result.wallSeconds });
    }
    const { parameters, wallSeconds, sweepCache } = result;
    const prov = provenance(name, ctx.rootDir, { parameters, wallSeconds, sweepCache });
    result.notebook.metadata.dmsim = { ...(result.notebook.metadata.dmsim as object), provenance: prov };
    writeNotebook(lastGood, result.notebook);
    writeFileAtomic(pagePath, notebookPage(result.notebook, file, prov));
    ctx.log(`${name}: ok in ${wallSeconds.toFixed(1)} s -> ${path.relative(ctx.rootDir, pagePath)}`);
    return study(result.notebook, { wallSeconds });
  } catch (e) {
    // An unreadable notebook (bad JSON, unknown parameter): report it, carry on with the rest.
    const { name: ename, message } = e as Error;
    ctx.log(`${name}: FAILED: ${message}`);
    return study(source, { failure: { location: name, ename, evalue: message }, wallSeconds: 0 });
  }
}

export async function buildReport(options: ReportOptions): Promise<{ ok: boolean; studies: StudyResult[] }> {
  const notebooksDir = options.notebooksDir ?? path.join(options.rootDir, 'notebooks');
  const reportsDir = options.reportsDir ?? path.join(options.rootDir, 'reports');
  mkdirSync(reportsDir, { recursive: true });
  const files = existsSync(notebooksDir) ? readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb')).sort() : [];
  const studies: StudyResult[] = [];
  if (files.length > 0) {
    const compiler = new CellCompiler();
    const ctx: Context = { rootDir: options.rootDir, notebooksDir, reportsDir, compiler, log: options.log ?? (() => {}) };
    try {
      for (const file of files) studies.push(await reportNotebook(file, ctx));
    } finally {
      compiler.close();
    }
  }
  writeFileAtomic(path.join(reportsDir, 'index.html'), indexPage(studies));
  return { ok: studies.every((s) => !s.failure), studies };
}
