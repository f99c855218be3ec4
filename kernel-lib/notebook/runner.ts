// Runs a notebook in this process, without Jupyter or Python: every code cell in order through
// the same Executor the kernel uses, outputs stored as Jupyter stores them. Like nbconvert
// --execute, it stops at the first failing cell.
import { CellCompiler } from './compiler.js';
import { CellOutputs } from './cell-outputs.js';
import { Executor } from './executor.js';
import { joinSource, type Notebook } from './nbformat.js';
import { injectParameters } from './parameters.js';
import { KERNEL_NAME, DISPLAY_NAME } from './kernelspec.js';
import { languageInfo } from './versions.js';

export interface RunOptions {
  /** Overrides of the `parameters` cell (papermill's -p). */
  parameters?: Record<string, unknown>;
  /** A compiler shared between notebooks (make report); else a private one. */
  compiler?: CellCompiler;
}

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
  let failure: CellFailure | undefined;
  let executionCount = 0;
  try {
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      if (failure) {
        // Not run: show no stale outputs from an earlier session.
        cell.outputs = [];
        cell.execution_count = null;
        continue;
      }
      const count = ++executionCount;
      const label = `${name}, cell ${index + 1}`;
      const outputs = new CellOutputs();
      const outcome = await executor.execute(joinSource(cell.source), label, outputs);
      if (outcome.status === 'ok' && outcome.result) outputs.executeResult(count, outcome.result);
      if (outcome.status === 'error') {
        outputs.error(outcome.error);
        failure = { cell: index + 1, location: outcome.error.location ?? label, ...outcome.error };
      }
      // A progress bar tells how the run went, not what it found: keep it out of pages, and
      // leave its last state in the terminal's log instead.
      for (const output of outputs.outputs) {
        if (output.output_type === 'display_data' && isProgress(output.metadata)) {
          executor.writeLog(`${label}: ${String(output.data['text/plain'])}\n`);
        }
      }
      outputs.drop(isProgress);
      cell.outputs = outputs.outputs;
      cell.execution_count = count;
    }
    const stats = SWEEP_STATS_MODULES.map((m) => executor.loadedModule(m)?.sweepCacheStats).find((f) => typeof f === 'function');
    const sweepCache = typeof stats === 'function' ? (stats() as RunResult['sweepCache']) : undefined;
    return { notebook, failure, wallSeconds: (performance.now() - started) / 1000, parameters: effective, sweepCache };
  } finally {
    executor.close();
  }
}
