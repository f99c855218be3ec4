// Where sweep runs execute: a piscina pool of worker threads, or the calling thread itself when
// one worker is asked for (no threads, so a debugger and stack traces see the runner directly).
// Both load runners through sweep-worker.js, so they behave the same.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Piscina } from 'piscina';
import type { Params } from './grid.js';
import { ANALYSIS_DIR } from './module-location.js';
import { guardProcessExit } from './process-exit-guard.js';

export interface RunTask {
  module: string;
  exportName: string;
  params: Params;
  seed: number;
}

export interface Executor {
  /** Runs a task; `timeoutMs` stops it (a worker thread is ended, so even a busy loop stops). */
  run(task: RunTask, timeoutMs?: number): Promise<unknown>;
  /** Ends the worker threads so the process can exit. */
  close(): Promise<void>;
}

const WORKER_ENTRY = path.join(ANALYSIS_DIR, 'sweep-worker.js');

/**
 * piscina, loaded when a pool is first made: a shard or a sweep in this thread never needs it,
 * and its modules are part of every short shard's start-up. A CommonJS require (piscina ships
 * one), so this stays synchronous in both worlds (ES modules and tslab's CommonJS).
 */
const loadPiscina = (): typeof Piscina => (createRequire(path.join(ANALYSIS_DIR, 'executor.js'))('piscina') as typeof import('piscina')).Piscina;

// A real dynamic import: tslab compiles this file to CommonJS and would turn a literal
// `import()` into `require()`, which cannot load the ES-module worker entry.
const importModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<{ default: (task: RunTask) => Promise<unknown> }>;

/** A run stopped at its time limit. */
export function pointTimeout(ms: number): Error {
  return Object.assign(new Error(`the run did not finish within ${ms / 1000} s (the sweep's pointTimeoutMs)`), { name: 'TimeoutError' });
}

/**
 * `workers` threads; 1 runs in the calling thread. Only an explicit 1: a sweep with one point
 * left to run still uses a thread, or a runner's process.exit (or crash) ends the process that
 * called the sweep — the cause of the rare whole-notebook exit.
 */
export function createExecutor(workers: number): Executor {
  if (!Number.isInteger(workers) || workers < 1) {
    throw new TypeError(`sweep: 'workers' must be a positive integer, got ${workers}`);
  }
  return workers === 1 ? inProcess() : pool(workers);
}

/**
 * Runs one task at a time, in submission order, like a single worker would. In this thread a
 * time limit can only stop a task that waits (a busy loop runs on), and process.exit is turned
 * into the task's failure.
 */
function inProcess(): Executor {
  const entry = importModule(pathToFileURL(WORKER_ENTRY).href);
  let queue: Promise<unknown> = Promise.resolve();
  return {
    run(task, timeoutMs) {
      const result = queue.then(async () => {
        const release = guardProcessExit();
        let timer: NodeJS.Timeout | undefined;
        try {
          const running = (await entry).default(task);
          if (timeoutMs === undefined || !Number.isFinite(timeoutMs)) return await running;
          const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(pointTimeout(timeoutMs)), timeoutMs)));
          return await Promise.race([running, expired]);
        } finally {
          clearTimeout(timer);
          release();
        }
      });
      queue = result.catch(() => {});
      return result;
    },
    close: async () => {},
  };
}

/**
 * Worker pools live for the whole process and are shared by every sweep with the same worker
 * count: starting threads (and their TypeScript loader) costs a few hundred milliseconds, as
 * much as a short sweep. Idle piscina threads are unref'd, so a kept pool never stops the
 * process from exiting.
 */
const pools = new Map<number, Piscina>();

function pool(workers: number): Executor {
  let piscina = pools.get(workers);
  if (piscina === undefined) {
    const PiscinaPool = loadPiscina();
    piscina = new PiscinaPool({
      filename: WORKER_ENTRY,
      minThreads: workers,
      maxThreads: workers,
      execArgv: withoutTsLoader(process.execArgv),
      // Runs are CPU-bound: one at a time per thread, or they would only share its time.
      concurrentTasksPerWorker: 1,
    });
    pools.set(workers, piscina);
  }
  const p = piscina;
  return {
    // Aborting a running task ends its thread (piscina starts another): a busy loop stops too.
    run: async (task, timeoutMs) => {
      if (timeoutMs === undefined || !Number.isFinite(timeoutMs)) return p.run(task);
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        return await p.run(task, { signal });
      } catch (e) {
        if (signal.aborted) throw pointTimeout(timeoutMs);
        throw e;
      }
    },
    // The pool is shared: nothing to end here (see closeSweepPools).
    close: async () => {},
  };
}

/** Ends every kept worker pool (e.g. before measuring a cold start). */
export async function closeSweepPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.destroy()));
}

/**
 * The host's Node options minus a TypeScript loader (`--import ./bin/register-ts.mjs` under
 * mocha, or tsx): the worker entry registers its own, and a second one per thread would only
 * add start-up time.
 */
export function withoutTsLoader(execArgv: readonly string[]): string[] {
  const loaderFlags = new Set(['--import', '--loader', '--experimental-loader', '--require', '-r']);
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    if (!loaderFlags.has(flag)) {
      out.push(arg);
      continue;
    }
    const value = eq < 0 ? execArgv[i + 1] ?? '' : arg.slice(eq + 1);
    if (eq < 0) i++; // the value is the next argument
    if (!/(^|[\\/])(tsx|register-ts\.mjs)([\\/]|$)/.test(value)) out.push(...(eq < 0 ? [arg, value] : [arg]));
  }
  return out;
}
