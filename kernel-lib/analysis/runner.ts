// What a sweep point runs: a module (TypeScript or JavaScript) and the name of one of its
// exports, a function `(params, seed) => metrics` (sync or async). Modules are named by path so
// worker threads can load them on their own.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Params } from './grid.js';
import { PROJECT_DIR } from './module-location.js';

export type Metrics = Record<string, number | string | boolean>;
export type RunnerFunction = (params: Params, seed: number) => Metrics | Promise<Metrics>;

export interface RunnerSpec {
  /** Absolute path, file: URL, or path relative to the current directory (the project root). */
  module: string;
  /** Export to call; default 'run'. */
  export?: string;
}

export interface ResolvedRunner {
  module: string;
  exportName: string;
  /** Stable name for cache keys: the module relative to the project root when inside it. */
  id: string;
}

export function resolveRunner(spec: RunnerSpec): ResolvedRunner {
  if (!spec || typeof spec.module !== 'string' || spec.module === '') {
    throw new TypeError("sweep: 'runner' must be { module: 'path/to/runner.ts', export?: 'run' }");
  }
  const exportName = spec.export ?? 'run';
  const module = spec.module.startsWith('file:') ? fileURLToPath(spec.module) : path.resolve(spec.module);
  if (!fs.existsSync(module)) {
    throw new Error(`sweep: runner module not found: ${spec.module} (resolved to ${module}, from ${process.cwd()})`);
  }
  const rel = path.relative(PROJECT_DIR, module);
  const id = `${rel.startsWith('..') || path.isAbsolute(rel) ? module : rel.split(path.sep).join('/')}#${exportName}`;
  return { module, exportName, id };
}

/**
 * Checks what a runner returned: a flat object of numbers, strings and booleans (one table row).
 * Returns an error message, or undefined when the metrics are fine.
 */
export function checkMetrics(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `runner must return an object of metrics, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`;
  }
  for (const [name, metric] of Object.entries(value)) {
    const type = typeof metric;
    if (type !== 'number' && type !== 'string' && type !== 'boolean') {
      return `metric '${name}' must be a number, string or boolean, got ${metric === null ? 'null' : type}`;
    }
  }
  return undefined;
}
