// Runs a notebook in this process, without Jupyter or Python: every code cell in order through
// the same Executor the kernel uses, outputs stored as Jupyter stores them. Like nbconvert
// --execute, it stops at the first failing cell.
//
// Whatever a cell does, the run ends with a verdict: process.exit() is a failure of the cell
// that called it (process-exit-guard.ts); an error thrown after a cell finished (a timer, a
// promise it left behind) is a failure of that cell, found by the async context it was
// created in; a cell past its time limit, or past what is left of the notebook's, is stopped.
import { AsyncLocalStorage } from 'node:async_hooks';
import { CellCompiler } from './compiler.js';
import { CellOutputs } from './cell-outputs.js';
import { Executor } from './executor.js';
import { guardProcessExit } from '../analysis/process-exit-guard.js';
import type { CellError } from './traceback.js';
import { joinSource, type Notebook } from './nbformat.js';
import { injectParameters } from './parameters.js';
import { ProgressLine } from './progress-line.js';
import { KERNEL_NAME, DISPLAY_NAME } from './kernelspec.js';
import { languageInfo } from './versions.js';

export interface RunOptions {
  /** Overrides of the `parameters` cell (papermill's -p). */
  parameters?: Record<string, unknown>;
  /** A compiler shared between notebooks (make report); else a private one. */
  compiler?: CellCompiler;
  /** Time limit of one cell, in ms (default DEFAULT_CELL_TIMEOUT_MS; Infinity for none). */
  cellTimeoutMs?: number;
  /** Time limit of the whole notebook, in ms (default DEFAULT_NOTEBOOK_TIMEOUT_MS; Infinity for none). */
  timeoutMs?: number;
  /** Called as each code cell starts (1-based index among all cells, and its label). */
  onCellStart?: (cell: number, label: string) => void;
  /** Aborting it (Ctrl-C) stops the running cell with a KeyboardInterrupt, and the run there. */
  signal?: AbortSignal;
}

/** Defaults: generous for a study (notebooks should take seconds), finite so nothing hangs forever. */
export const DEFAULT_CELL_TIMEOUT_MS = 15 * 60_000;
export const DEFAULT_NOTEBOOK_TIMEOUT_MS = 30 * 60_000;

/** Which run and cell (0-based index) the running code, and every timer and promise it creates, belongs to. */
const cellContext = new AsyncLocalStorage<{ run: symbol; cell: number }>();

/**
 * Lets uncaught errors and unhandled rejections come to `handler` only, until the returned
 * function is called. `handler` gets the listeners it displaced, for errors that are not its own.
 */
function captureLateErrors(handler: (error: unknown, others: ((error: unknown) => void)[]) => void): () => void {
  const events = ['uncaughtException', 'unhandledRejection'] as const;
  const saved = events.map((event) => process.listeners(event as 'uncaughtException'));
  const others = saved[0] as unknown as ((error: unknown) => void)[];
  const on = process.on.bind(process) as (event: string, listener: (...args: unknown[]) => void) => void;
  const listener = (error: unknown) => handler(error, others);
  for (const event of events) {
    process.removeAllListeners(event);
    on(event, listener);
  }
  return () => {
    events.forEach((event, i) => {
      process.removeListener(event, listener);
      for (const listener of saved[i]!) on(event, listener as (...args: unknown[]) => void);
    });
  };
}

/** One macrotask turn: lets a 0 ms timer or an unhandled rejection the last cell left surface. */
const settle = () => new Promise<void>((resolve) => setTimeout(() => setImmediate(resolve), 0));

export interface CellFailure {
  /** 1-based index of the failing cell among all cells. */
  cell: number;
  /** `notebooks/x.ipynb, cell 4, line 7`: notebook, cell and line. */
  location: string;
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface RunResult {
  notebook: Notebook;
  failure?: CellFailure;
  wallSeconds: number;
  /** The parameters cell's values after overrides, as source text. */
  parameters: Record<string, string>;
  /** Sweep cache counters of this notebook's run, when it ran sweeps. */
  sweepCache?: { hits: number; misses: number };
}

/** Library modules that may export `sweepCacheStats()` (optional: the counters are provenance only). */
const SWEEP_STATS_MODULES = ['kernel-lib/analysis/sweep-cache.js', 'kernel-lib/analysis/sweep.js'];

function isProgress(metadata: Record<string, unknown>): boolean {
  return Boolean((metadata.dmsim as { progress?: boolean } | undefined)?.progress);
}

/** Executes `source` (already read); `name` (its path) names it in errors. */
export async function runNotebook(source: Notebook, name: string, options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const { notebook: injected, effective } = injectParameters(source, options.parameters ?? {}, name);
  const notebook: Notebook = structuredClone(injected);
  notebook.metadata = {
    ...notebook.metadata,
    kernelspec: { name: KERNEL_NAME, display_name: DISPLAY_NAME, language: 'typescript' },
    language_info: languageInfo(),
  };
  if (notebook.nbformat_minor >= 5) {
    // nbformat 4.5 requires cell ids; give missing ones stable names (pages must not change between runs).
    notebook.cells.forEach((cell, i) => (cell.id ??= `cell-${i + 1}`));
  }
  const executor = new Executor({ compiler: options.compiler, displayIdPrefix: 'display' });
  // Live progress of the running cell's sweeps on the real stderr (the cells' own is captured).
  const line = new ProgressLine({ write: (text) => executor.writeLog(text), isTTY: Boolean(process.stderr.isTTY), columns: process.stderr.columns });
  const cellLimit = options.cellTimeoutMs ?? DEFAULT_CELL_TIMEOUT_MS;
  const notebookLimit = options.timeoutMs ?? DEFAULT_NOTEBOOK_TIMEOUT_MS;
  const deadline = started + notebookLimit;
  let failure: CellFailure | undefined;
  let executionCount = 0;
  let running: number | undefined;
  let lastRun: number | undefined;
  // The first error thrown outside a running cell's own code, and the cell it belongs to.
  let late: { cell: number; error: CellError } | undefined;
  const releaseExit = guardProcessExit();
  const thisRun = Symbol(name);
  const releaseErrors = captureLateErrors((thrown, others) => {
    const context = cellContext.getStore();
    if (context && context.run !== thisRun) {
      // Left behind by an earlier notebook of this process: not this run's failure.
      if (others.length === 0) process.stderr.write(`uncaught error from an earlier notebook: ${(thrown as Error)?.stack ?? String(thrown)}\n`);
      for (const other of others) other(thrown);
      return;
    }
    if (late) return;
    const cell = context?.cell ?? running ?? lastRun;
    if (cell === undefined) return;
    const error = executor.describeError(thrown);
    late = { cell, error: { ...error, traceback: [...error.traceback, '(raised after the cell had finished, by a timer or promise it left behind)'] } };
    // A cell still running (perhaps waiting forever) stops: the run has its verdict.
    if (running !== undefined) executor.interrupt(Object.assign(new Error(`stopped: cell ${cell + 1} failed late`), { name: 'Interrupted' }));
  });
  const lateFailure = (): CellFailure | undefined => {
    if (!late) return undefined;
    const { cell, error } = late;
    const target = notebook.cells[cell]!;
    target.outputs = [...(target.outputs ?? []), { output_type: 'error', ename: error.ename, evalue: error.evalue, traceback: error.traceback }];
    return { cell: cell + 1, ...error, location: error.location ?? `${name}, cell ${cell + 1}` };
  };
  const onAbort = () => executor.interrupt();
  options.signal?.addEventListener('abort', onAbort);
  try {
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      if (!failure && options.signal?.aborted) {
        // Interrupted between cells: the next one is where the run stopped.
        const error = { ename: 'KeyboardInterrupt', evalue: 'interrupted by the user', traceback: [] };
        failure = { cell: index + 1, ...error, location: `${name}, cell ${index + 1}` };
      }
      if (failure) {
        // Not run: show no stale outputs from an earlier session.
        cell.outputs = [];
        cell.execution_count = null;
        continue;
      }
      const count = ++executionCount;
      const label = `${name}, cell ${index + 1}`;
      options.onCellStart?.(index + 1, label);
      // Updates only: a progress display's first state comes before its cache hits are known.
      const outputs = new CellOutputs((data, metadata, update) => update && isProgress(metadata) && line.show(`${label}: ${String(data['text/plain'])}`));
      const left = deadline - performance.now();
      const limits = left < cellLimit ? { timeoutMs: Math.max(1, left), limitName: `notebook time limit of ${notebookLimit / 1000} s` } : { timeoutMs: cellLimit, limitName: 'cell time limit' };
      running = index;
      const outcome = await cellContext.run({ run: thisRun, cell: index }, () =>
        executor.execute(joinSource(cell.source), label, outputs, Number.isFinite(limits.timeoutMs) ? limits : {}),
      );
      running = undefined;
      lastRun = index;
      if (outcome.status === 'ok' && outcome.result) outputs.executeResult(count, outcome.result);
      if (outcome.status === 'error') {
        outputs.error(outcome.error);
        failure = { cell: index + 1, ...outcome.error, location: outcome.error.location ?? label };
      }
      // A progress bar tells how the run went, not what it found: keep it out of pages; its
      // last state stays in the terminal's log instead.
      line.finish();
      outputs.drop(isProgress);
      cell.outputs = outputs.outputs;
      cell.execution_count = count;
      if (!late && !failure) await settle();
      // A late error outranks the failure it caused (an interrupted later cell).
      if (late) failure = lateFailure();
    }
    const stats = SWEEP_STATS_MODULES.map((m) => executor.loadedModule(m)?.sweepCacheStats).find((f) => typeof f === 'function');
    const sweepCache = typeof stats === 'function' ? (stats() as RunResult['sweepCache']) : undefined;
    return { notebook, failure, wallSeconds: (performance.now() - started) / 1000, parameters: effective, sweepCache };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    releaseErrors();
    releaseExit();
    executor.close();
  }
}
