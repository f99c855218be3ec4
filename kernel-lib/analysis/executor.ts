// Where sweep runs execute: a piscina pool of worker threads, or the calling thread itself when
// one worker is asked for (no threads, so a debugger and stack traces see the runner directly).
// Both load runners through sweep-worker.js, so they behave the same.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { Params } from './grid.js';
import { ANALYSIS_DIR } from './module-location.js';

export interface RunTask {
  module: string;
  exportName: string;
  params: Params;
  seed: number;
}

export interface Executor {
  run(task: RunTask): Promise<unknown>;
  /** Ends the worker threads so the process can exit. */
  close(): Promise<void>;
}

const WORKER_ENTRY = path.join(ANALYSIS_DIR, 'sweep-worker.js');

// A real dynamic import: tslab compiles this file to CommonJS and would turn a literal
// `import()` into `require()`, which cannot load the ES-module worker entry.
const importModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<{ default: (task: RunTask) => Promise<unknown> }>;

export function createExecutor(workers: number): Executor {
  if (!Number.isInteger(workers) || workers < 1) {
    throw new TypeError(`sweep: 'workers' must be a positive integer, got ${workers}`);
  }
  return workers === 1 ? inProcess() : pool(workers);
}

/** Runs one task at a time, in submission order, like a single worker would. */
function inProcess(): Executor {
  const entry = importModule(pathToFileURL(WORKER_ENTRY).href);
  let queue: Promise<unknown> = Promise.resolve();
  return {
    run(task) {
      const result = queue.then(async () => (await entry).default(task));
      queue = result.catch(() => {});
      return result;
    },
    close: async () => {},
  };
}

function pool(workers: number): Executor {
  const piscina = new Piscina({
    filename: WORKER_ENTRY,
    minThreads: workers,
    maxThreads: workers,
    // Runs are CPU-bound: one at a time per thread, or they would only share its time.
    concurrentTasksPerWorker: 1,
  });
  return {
    run: (task) => piscina.run(task),
    close: () => piscina.destroy(),
  };
}
