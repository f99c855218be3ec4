// `dmsim report` (make report): runs every notebooks/*.ipynb and writes reports/. The notebooks
// run in a child process (`dmsim report --child`, see notebook/report.ts) watched by this one.
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Command } from '../main.js';

const USAGE = `usage: dmsim report [NOTEBOOK.ipynb ...] [--notebooks DIR] [--out DIR] [--cell-timeout S] [--notebook-timeout S]

Executes every notebook in DIR (default notebooks/) in name order, or only the NOTEBOOKs named
(in the order given; sweeps come from the cache as usual), without Jupyter or Python, and
writes into the output folder (default reports/): the executed NAME.ipynb, a standalone
NAME.html, and index.html (which lists every notebook of DIR; the ones not run keep their
last good page). Exits 1 if any notebook failed (its last good page is kept), 130 if
interrupted (Ctrl-C: the pages already written are kept).

--cell-timeout S       time limit of one cell, in seconds (default 900; 'none' for no limit)
--notebook-timeout S   time limit of one notebook, in seconds (default 1800; 'none' for no limit)`;

/** Seconds on the command line -> ms; 'none' -> Infinity. Throws naming the flag. */
export function parseSeconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (text === 'none') return Infinity;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`--${flag} must be a positive number of seconds or 'none', got '${text}'`);
  return seconds * 1000;
}

export const command: Command = {
  summary: 'run every notebook and write reports/ (executed notebooks, HTML pages, index)',
  async main(args) {
    let values;
    let positionals: string[] = [];
    let cellTimeoutMs: number | undefined;
    let notebookTimeoutMs: number | undefined;
    try {
      ({ values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          notebooks: { type: 'string' },
          out: { type: 'string' },
          'cell-timeout': { type: 'string' },
          'notebook-timeout': { type: 'string' },
          child: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      }));
      for (const file of positionals) {
        if (!file.endsWith('.ipynb')) throw new Error(`${file}: not a notebook (a NAME.ipynb file)`);
        if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`${file}: no such notebook`);
      }
      cellTimeoutMs = parseSeconds('cell-timeout', values['cell-timeout']);
      notebookTimeoutMs = parseSeconds('notebook-timeout', values['notebook-timeout']);
    } catch (e) {
      console.error(`dmsim report: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const path = await import('node:path');
    const { PROJECT_ROOT } = await import('../../notebook/versions.js');
    // Cells import ./kernel-lib/...: tslab compiles relative to the working directory.
    if (values.child) {
      process.chdir(PROJECT_ROOT);
      const { serveReportChild } = await import('../../notebook/report-notebook.js');
      await serveReportChild();
      return 0;
    }
    const notebooksDir = path.resolve(values.notebooks ?? path.join(PROJECT_ROOT, 'notebooks'));
    const reportsDir = path.resolve(values.out ?? path.join(PROJECT_ROOT, 'reports'));
    const shownReports = path.relative(process.cwd(), reportsDir) || '.';
    // Ctrl-C reaches the child too (same process group); abort forwards it when sent to us alone.
    const abort = new AbortController();
    const onSigint = () => {
      if (abort.signal.aborted) return;
      console.error('report: interrupted; stopping the running cell (the pages already written are kept)');
      abort.abort();
    };
    process.on('SIGINT', onSigint);
    const { buildReport } = await import('../../notebook/report.js');
    try {
      const { ok, studies, interrupted } = await buildReport({
        rootDir: PROJECT_ROOT,
        notebooksDir,
        reportsDir,
        ...(positionals.length ? { only: positionals.map((f) => path.resolve(f)) } : {}),
        cellTimeoutMs,
        notebookTimeoutMs,
        signal: abort.signal,
        log: (line) => console.error(line),
      });
      const failed = studies.filter((s) => s.failure && s.failure.ename !== 'KeyboardInterrupt');
      const good = studies.filter((s) => !s.failure).length;
      if (interrupted !== undefined) {
        console.error(`report: interrupted at ${interrupted}; ${good} notebooks finished and written -> ${shownReports}/index.html`);
        return 130;
      }
      console.error(`report: ${good} of ${studies.length} notebooks ok -> ${shownReports}/index.html`);
      for (const s of failed) console.error(`report: FAILED ${s.failure!.location}: ${s.failure!.ename}: ${s.failure!.evalue}`);
      return ok ? 0 : 1;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
