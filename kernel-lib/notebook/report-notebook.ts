// One notebook of `make report`: run it, and if it succeeds write its executed notebook and its
// page into reports/. This runs in a child process of `dmsim report` (report.ts), which gives it
// the notebooks one after another and is told, message by message, which notebook and cell is
// running, so that when the child has to be killed (a busy loop outside any time limit's
// reach) or dies, the report can still say where.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CellCompiler } from './compiler.js';
import { findingOf, type Finding } from './finding.js';
import { notebookPage, notebookTitle } from './html-page.js';
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

export interface NotebookJob {
  rootDir: string;
  notebooksDir: string;
  reportsDir: string;
  /** Per-cell and whole-notebook time limits, ms (see runner.ts for the defaults). */
  cellTimeoutMs?: number;
  timeoutMs?: number;
}

/** Messages from the child to `dmsim report`. */
export type ChildMessage =
  | { type: 'start'; file: string }
  | { type: 'cell'; file: string; cell: number; label: string }
  | { type: 'study'; file: string; study: StudyResult }
  | { type: 'background'; text: string };

/** Messages from `dmsim report` to the child: the notebooks to run, in order. */
export interface ChildRequest extends NotebookJob {
  files: string[];
}

export function notebookName(job: NotebookJob, file: string): string {
  return path.relative(job.rootDir, path.join(job.notebooksDir, file));
}

/** The study as the index shows it, from `notebook` (the run's, the last good one, or none). */
export function studyOf(job: NotebookJob, file: string, notebook: Notebook | undefined, rest: Pick<StudyResult, 'failure' | 'wallSeconds'>): StudyResult {
  const base = path.basename(file, '.ipynb');
  return {
    notebook: notebookName(job, file),
    title: notebook ? notebookTitle(notebook, file) : base,
    finding: notebook ? findingOf(notebook) : { text: '', format: 'text' },
    page: `${base}.html`,
    hasPage: existsSync(path.join(job.reportsDir, `${base}.html`)),
    ...rest,
  };
}

/** After a failure, the index shows the last good run's notebook (its page is the one kept). */
export function lastGoodNotebook(job: NotebookJob, file: string): Notebook | undefined {
  const lastGood = path.join(job.reportsDir, `${path.basename(file, '.ipynb')}.ipynb`);
  try {
    return existsSync(lastGood) ? readNotebook(lastGood) : readNotebook(path.join(job.notebooksDir, file));
  } catch {
    return undefined;
  }
}

/** Runs one notebook and, if it succeeds, writes its executed notebook and page. */
export async function reportNotebook(
  file: string,
  job: NotebookJob,
  compiler: CellCompiler,
  log: (line: string) => void,
  hooks: { onCellStart?: (cell: number, label: string) => void; signal?: AbortSignal } = {},
): Promise<StudyResult> {
  const name = notebookName(job, file);
  const base = path.basename(file, '.ipynb');
  const pagePath = path.join(job.reportsDir, `${base}.html`);
  const lastGood = path.join(job.reportsDir, `${base}.ipynb`);
  let source: Notebook | undefined;
  try {
    source = readNotebook(path.join(job.notebooksDir, file));
    checkNoInjectedParameters(source, name);
    const startedAt = new Date();
    const result = await runNotebook(source, name, {
      compiler,
      cellTimeoutMs: job.cellTimeoutMs,
      timeoutMs: job.timeoutMs,
      onCellStart: hooks.onCellStart,
      signal: hooks.signal,
    });
    if (result.failure) {
      const f = result.failure;
      log(`${name}: FAILED at ${f.location}: ${f.ename}: ${f.evalue}\n${f.traceback.join('\n')}`);
      return studyOf(job, file, lastGoodNotebook(job, file) ?? source, { failure: f, wallSeconds: result.wallSeconds });
    }
    const { parameters, wallSeconds, sweepCache } = result;
    const prov = provenance(name, job.rootDir, { parameters, wallSeconds, sweepCache, startedAt });
    result.notebook.metadata.dmsim = { ...(result.notebook.metadata.dmsim as object), provenance: prov };
    writeNotebook(lastGood, result.notebook);
    writeFileAtomic(pagePath, notebookPage(result.notebook, file, prov));
    log(`${name}: ok in ${wallSeconds.toFixed(1)} s -> ${path.relative(job.rootDir, pagePath)}`);
    return studyOf(job, file, result.notebook, { wallSeconds });
  } catch (e) {
    // An unreadable notebook (bad JSON, unknown parameter): report it, carry on with the rest.
    const { name: ename, message } = e as Error;
    log(`${name}: FAILED: ${message}`);
    return studyOf(job, file, source, { failure: { location: name, ename, evalue: message }, wallSeconds: 0 });
  }
}

/**
 * The child's side: takes one request from the parent, runs its notebooks in order with one
 * shared compiler, reports each cell start and each study, and ends. SIGINT stops the running
 * cell (a KeyboardInterrupt failure) and the notebooks after it.
 */
export function serveReportChild(): Promise<void> {
  return new Promise((resolve, reject) => {
    const send = (message: ChildMessage) => process.connected && process.send!(message);
    let finished = false;
    // The parent gone (killed, crashed): nobody is waiting for the pages; end (process.exit is
    // guarded while a notebook runs, a signal is not).
    process.on('disconnect', () => finished || process.kill(process.pid, 'SIGTERM'));
    process.once('message', (request: ChildRequest) => {
      const abort = new AbortController();
      process.on('SIGINT', () => abort.abort());
      // An error from a notebook's stray timer outside any run (each run catches its own): the
      // report fails, the other notebooks still run.
      const background = (e: unknown) => {
        const text = (e as Error)?.stack ?? String(e);
        process.stderr.write(`report: uncaught error in the background of a notebook: ${text}\n`);
        send({ type: 'background', text });
      };
      process.on('uncaughtException', background);
      process.on('unhandledRejection', background);
      const compiler = new CellCompiler();
      const log = (line: string) => process.stderr.write(`${line}\n`);
      (async () => {
        try {
          for (const file of request.files) {
            if (abort.signal.aborted) break;
            send({ type: 'start', file });
            const study = await reportNotebook(file, request, compiler, log, {
              onCellStart: (cell, label) => send({ type: 'cell', file, cell, label }),
              signal: abort.signal,
            });
            send({ type: 'study', file, study });
          }
        } finally {
          compiler.close();
          finished = true;
          process.disconnect?.();
        }
      })().then(resolve, reject);
    });
  });
}
