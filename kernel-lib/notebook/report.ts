// `make report`: every notebooks/*.ipynb executed, in name order, into reports/: the executed
// notebook, a standalone HTML page, and index.html listing the studies with their findings. A
// failing notebook is reported (notebook, cell, line), keeps its last good page, and makes the
// whole report fail; the other notebooks still render.
//
// The notebooks run in a child process (report-notebook.ts), one after another with one shared
// TypeScript compiler, while this process only watches: whatever a cell does — a busy loop no
// time limit inside the child can reach, a crash, an exit — the child is killed or found dead,
// the failure is reported with the notebook and the cell it was in, and a new child takes the
// notebooks that are left. Ctrl-C stops the running cell, keeps the pages already written and
// names where it stopped.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { escapeHTML } from './html-escape.js';
import { pageShell, renderInlineMarkdown } from './html-page.js';
import { writeFileAtomic } from './nbformat.js';
import { lastGoodNotebook, notebookName, studyOf, type ChildMessage, type ChildRequest, type NotebookJob, type StudyResult } from './report-notebook.js';
import { DEFAULT_NOTEBOOK_TIMEOUT_MS } from './runner.js';

export type { StudyResult } from './report-notebook.js';

export interface ReportOptions {
  rootDir: string;
  notebooksDir?: string;
  reportsDir?: string;
  /** Time limit of one cell and of one notebook, in ms (runner.ts has the defaults). */
  cellTimeoutMs?: number;
  notebookTimeoutMs?: number;
  /** Progress lines (the CLI passes stderr). */
  log?: (line: string) => void;
  /** Aborting it (Ctrl-C) stops the running notebook; the ones after it do not run. */
  signal?: AbortSignal;
  /** The program the child runs: `dmsim report --child` (bin/dmsim.js under the project root). */
  childEntry?: string;
  /**
   * Only these notebooks (paths) run, in this order; the index still lists every notebook of
   * the notebooks folder, the others with their last good page. Default: all of them.
   */
  only?: string[];
}

/**
 * How long after a notebook's own time limit the child is killed. The limit itself is kept by
 * the child (a timer, and vm's watchdog for a cell's synchronous code); this is for code it
 * cannot stop, such as a busy loop after an `await`.
 */
export const KILL_GRACE_MS = 10_000;

function indexPage(studies: StudyResult[], interrupted: boolean): string {
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
  const note = interrupted ? '\n<p class="status">The last report was interrupted: the list is incomplete.</p>' : '';
  return pageShell('dmsim reports', `<main>\n<h1>dmsim studies</h1>${note}\n${list}\n</main>`);
}

interface ChildOutcome {
  studies: StudyResult[];
  backgroundErrors: number;
  /** The notebook and cell running when the child was killed or died, if it was. */
  lost?: { file: string; cell?: number; label?: string; why: { ename: string; evalue: string } };
}

/** Runs `files` in one child until they are done, or it is killed or dies. */
function runChild(files: string[], job: NotebookJob, options: ReportOptions, notebookLimitMs: number): Promise<ChildOutcome> {
  const entry = options.childEntry ?? path.join(options.rootDir, 'bin', 'dmsim.js');
  const child: ChildProcess = fork(entry, ['report', '--child'], {
    cwd: options.rootDir,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const studies: StudyResult[] = [];
  let backgroundErrors = 0;
  let current: { file: string; cell?: number; label?: string } | undefined;
  let killedFor: { ename: string; evalue: string } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => child.kill('SIGINT');
  options.signal?.addEventListener('abort', onAbort);
  return new Promise((resolve) => {
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'start') {
        current = { file: message.file };
        clearTimeout(timer);
        if (Number.isFinite(notebookLimitMs)) {
          timer = setTimeout(() => {
            killedFor = {
              ename: 'TimeoutError',
              evalue: `the notebook did not finish within its time limit of ${notebookLimitMs / 1000} s and did not stop by itself (killed ${KILL_GRACE_MS / 1000} s later)`,
            };
            child.kill('SIGKILL');
          }, notebookLimitMs + KILL_GRACE_MS);
        }
      } else if (message.type === 'cell') {
        current = { file: message.file, cell: message.cell, label: message.label };
      } else if (message.type === 'background') {
        backgroundErrors++;
      } else if (message.type === 'study') {
        clearTimeout(timer);
        studies.push(message.study);
        current = undefined;
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const unfinished = files.length > studies.length;
      if (!unfinished) return resolve({ studies, backgroundErrors });
      const file = current?.file ?? files[studies.length]!;
      const why = killedFor ?? {
        ename: 'ProcessDied',
        evalue: `the notebook's process ended (${signal ? `signal ${signal}` : `exit code ${code}`}) before the notebook finished`,
      };
      // Interrupted between notebooks: nothing was lost, the rest simply does not run.
      if (!current && options.signal?.aborted) return resolve({ studies, backgroundErrors });
      resolve({ studies, backgroundErrors, lost: { file, cell: current?.cell, label: current?.label, why } });
    });
    const request: ChildRequest = { ...job, files };
    child.send(request);
  });
}

export async function buildReport(options: ReportOptions): Promise<{ ok: boolean; studies: StudyResult[]; interrupted?: string }> {
  const notebooksDir = options.notebooksDir ?? path.join(options.rootDir, 'notebooks');
  const reportsDir = options.reportsDir ?? path.join(options.rootDir, 'reports');
  const log = options.log ?? (() => {});
  mkdirSync(reportsDir, { recursive: true });
  const all = existsSync(notebooksDir) ? readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb')).sort() : [];
  // Named notebooks are kept relative to the notebooks folder, as the folder's own are.
  const files = options.only ? options.only.map((f) => path.relative(notebooksDir, path.resolve(f))) : all;
  const job: NotebookJob = { rootDir: options.rootDir, notebooksDir, reportsDir, cellTimeoutMs: options.cellTimeoutMs, timeoutMs: options.notebookTimeoutMs };
  const notebookLimitMs = options.notebookTimeoutMs ?? DEFAULT_NOTEBOOK_TIMEOUT_MS;
  const studies: StudyResult[] = [];
  let interrupted: string | undefined;
  let backgroundErrors = 0;
  let left = files;
  while (left.length > 0 && !options.signal?.aborted) {
    const outcome = await runChild(left, job, options, notebookLimitMs);
    studies.push(...outcome.studies);
    backgroundErrors += outcome.backgroundErrors;
    const interruptedStudy = outcome.studies.find((s) => s.failure?.ename === 'KeyboardInterrupt');
    if (interruptedStudy) interrupted = interruptedStudy.failure!.location;
    if (outcome.lost) {
      const { file, cell, label, why } = outcome.lost;
      const name = notebookName(job, file);
      const location = label ?? name;
      if (options.signal?.aborted) interrupted ??= location;
      log(`${name}: FAILED at ${location}: ${why.ename}: ${why.evalue}${cell ? ` (it was running cell ${cell})` : ''}`);
      studies.push(studyOf(job, file, lastGoodNotebook(job, file), { failure: { location, ...why }, wallSeconds: 0 }));
    }
    const done = new Set(studies.map((s) => s.notebook));
    left = files.filter((f) => !done.has(notebookName(job, f)));
    if (interrupted) break;
  }
  if (options.signal?.aborted && !interrupted && left.length > 0) interrupted = notebookName(job, left[0]!);
  // The notebooks not asked for keep their place in the index, with their last good page.
  const ran = new Set(files);
  const listed = [...studies, ...all.filter((f) => !ran.has(f)).map((f) => studyOf(job, f, lastGoodNotebook(job, f), { wallSeconds: 0 }))];
  listed.sort((a, b) => (a.notebook < b.notebook ? -1 : a.notebook > b.notebook ? 1 : 0));
  writeFileAtomic(path.join(reportsDir, 'index.html'), indexPage(listed, interrupted !== undefined));
  const ok = studies.length === files.length && studies.every((s) => !s.failure) && backgroundErrors === 0;
  return { ok, studies, ...(interrupted ? { interrupted } : {}) };
}
