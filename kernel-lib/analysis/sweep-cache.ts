// The on-disk cache of sweep runs: one JSON file per run, named by a hash of everything the
// run's result depends on (runner, parameters, seed, model version). Files are written to a
// temporary name and renamed, so a crash or a parallel writer never leaves half a file.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { canonicalJSON, type Params } from './grid.js';
import { PROJECT_DIR } from './module-location.js';
import type { Metrics } from './runner.js';

export interface CacheStats {
  hits: number;
  misses: number;
}

// Process-wide counters: report pages show them as provenance ("12 runs from cache").
const stats: CacheStats = { hits: 0, misses: 0 };

/** Cache hits and misses of every sweep run in this process so far. */
export function sweepCacheStats(): CacheStats {
  return { ...stats };
}

/** `dir` if given, else $DMSIM_CACHE_DIR, else `.cache/sweeps` at the project root. */
export function sweepCacheDir(dir?: string): string {
  return path.resolve(dir ?? process.env.DMSIM_CACHE_DIR ?? path.join(PROJECT_DIR, '.cache', 'sweeps'));
}

export interface RunKey {
  runner: string;
  params: Params;
  seed: number;
  modelVersion: string;
  /** Content hashes of the input files the parameters name (see inputFileHashes). */
  inputs?: Record<string, string>;
}

/**
 * Parameters often name input files (`scenario: 'examples/x.yaml'`, a trace, a fio job file):
 * a run depends on what the file says, not on its name. Every string parameter that names an
 * existing file (relative to the working directory, as runners resolve it) contributes the
 * hash of its contents, so editing the file invalidates the cached runs that used it.
 */
export function inputFileHashes(params: Params): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== 'string' || value.length === 0 || value.length > 4096 || value.includes('\n')) continue;
    let text: Buffer;
    try {
      if (!fs.statSync(value).isFile()) continue;
      text = fs.readFileSync(value);
    } catch {
      continue;
    }
    (out ??= {})[name] = createHash('sha256').update(text).digest('hex');
  }
  return out;
}

export class SweepCache {
  constructor(readonly dir: string) {}

  static key(run: RunKey): string {
    return createHash('sha256').update(canonicalJSON(run)).digest('hex');
  }

  /** The cached metrics of a run, or undefined (an unreadable file counts as a miss). */
  get(key: string): Metrics | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file(key), 'utf8');
    } catch {
      stats.misses++;
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as { metrics?: Metrics };
      if (entry.metrics && typeof entry.metrics === 'object') {
        stats.hits++;
        return entry.metrics;
      }
    } catch {
      // fall through: a damaged file is recomputed and overwritten
    }
    stats.misses++;
    return undefined;
  }

  /** Stores a run's metrics; the inputs are kept beside them so a cache file explains itself. */
  put(key: string, run: RunKey, metrics: Metrics): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const file = this.file(key);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ ...run, metrics }) + '\n');
    fs.renameSync(tmp, file);
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }
}
