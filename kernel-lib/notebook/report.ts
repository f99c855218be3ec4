// `make report`: every notebooks/*.ipynb executed in process, in name order, into reports/:
// the executed notebook, a standalone HTML page, and index.html listing the studies with
// their findings. A failing notebook is reported (notebook, cell, line), keeps its last good
// page, and makes the whole report fail; the other notebooks still render.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { CellCompiler } from './compiler.js';
import { findingOf } from './finding.js';
import { escapeHTML } from './html-escape.js';
import { notebookPage, notebookTitle, pageShell, renderInlineMarkdown } from './html-page.js';
import { readNotebook, writeFileAtomic, writeNotebook, type Notebook } from './nbformat.js';
import { provenance } from './provenance.js';
import { runNotebook, type CellFailure } from './runner.js';

export interface StudyResult {
  /** Path relative to the project, e.g. notebooks/getting-started.ipynb. */
  notebook: string;
  title: string;
  finding: string;
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
    const finding = s.finding ? `<p class="finding">${renderInlineMarkdown(s.finding)}</p>` : '';
    const title = s.hasPage
      ? `<a class="title" href="${escapeHTML(s.page)}">${escapeHTML(s.title)}</a>`
      : `<span class="title">${escapeHTML(s.title)}</span>`;
    return `<li>${title}${finding}${status}</li>`;
  });
  const list = items.length ? `<ul class="studies">\n${items.join('\n')}\n</ul>` : '<p>No notebooks in notebooks/ yet.</p>';
  return pageShell('dmsim reports', `<main>\n<h1>dmsim studies</h1>\n${list}\n</main>`);
}

export async function buildReport(options: ReportOptions): Promise<{ ok: boolean; studies: StudyResult[] }> {
  const notebooksDir = options.notebooksDir ?? path.join(options.rootDir, 'notebooks');
  const reportsDir = options.reportsDir ?? path.join(options.rootDir, 'reports');
  const log = options.log ?? (() => {});
  mkdirSync(reportsDir, { recursive: true });
  const files = existsSync(notebooksDir)
    ? readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb')).sort()
    : [];
  const compiler = files.length ? new CellCompiler() : null;
  const studies: StudyResult[] = [];
  try {
    for (const file of files) {
      const name = path.relative(options.rootDir, path.join(notebooksDir, file));
      const base = path.basename(file, '.ipynb');
      const page = `${base}.html`;
      const pagePath = path.join(reportsDir, page);
      let source: Notebook | undefined;
      try {
        source = readNotebook(path.join(notebooksDir, file));
        const result = await runNotebook(source, name, { compiler: compiler! });
        if (result.failure) {
          const f = result.failure;
          log(`${name}: FAILED at ${f.location}: ${f.ename}: ${f.evalue}\n${f.traceback.join('\n')}`);
          // The finding of a failed run is not trustworthy: take the last good run's, if any.
          const lastGood = path.join(reportsDir, `${base}.ipynb`);
          const shown = existsSync(lastGood) ? readNotebook(lastGood) : source;
          studies.push({ notebook: name, title: notebookTitle(shown, file), finding: findingOf(shown), page, hasPage: false, failure: f, wallSeconds: result.wallSeconds });
        } else {
          const { parameters, wallSeconds, sweepCache } = result;
          const prov = provenance(name, options.rootDir, { parameters, wallSeconds, sweepCache });
          result.notebook.metadata.dmsim = { ...(result.notebook.metadata.dmsim as object), provenance: prov };
          writeNotebook(path.join(reportsDir, `${base}.ipynb`), result.notebook);
          writeFileAtomic(pagePath, notebookPage(result.notebook, file, prov));
          log(`${name}: ok in ${result.wallSeconds.toFixed(1)} s -> ${path.relative(options.rootDir, pagePath)}`);
          studies.push({ notebook: name, title: notebookTitle(result.notebook, file), finding: findingOf(result.notebook), page, hasPage: false, wallSeconds: result.wallSeconds });
        }
      } catch (e) {
        // An unreadable notebook (bad JSON, bad parameters): report it, carry on with the rest.
        const message = (e as Error).message;
        log(`${name}: FAILED: ${message}`);
        const failure = { location: name, ename: (e as Error).name, evalue: message };
        studies.push({ notebook: name, title: source ? notebookTitle(source, file) : base, finding: '', page, hasPage: false, failure, wallSeconds: 0 });
      }
      studies[studies.length - 1]!.hasPage = existsSync(pagePath);
    }
  } finally {
    compiler?.close();
  }
  writeFileAtomic(path.join(reportsDir, 'index.html'), indexPage(studies));
  return { ok: studies.every((s) => !s.failure), studies };
}
