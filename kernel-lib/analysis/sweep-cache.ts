// The on-disk cache of sweep runs: one JSON file per run, named by a hash of everything the
// run's result depends on (runner, parameters, seed, model version). Files are written to a
// temporary name and renamed, so a crash or a parallel writer never leaves half a file.
//
// A file that merely parses is not trusted: one edited or damaged entry once turned a
// published mean of 176.5 IOPS into 3450.7, and `{"metrics":{}}` silently dropped a replicate.
// Each entry carries its key and a checksum of its content; an entry that fails either check
// is recomputed (and overwritten) with a warning naming the file.
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

/** The key of one run of `runner` (its id) at `params` and `seed` under model `version`. */
export function runKeyOf(runner: string, version: string, params: Params, seed: number): RunKey {
  const inputs = inputFileHashes(params);
  return { runner, params, seed, modelVersion: version, ...(inputs ? { inputs } : {}) };
}

/** What one cache file holds: the run (so it explains itself), its key, the metrics, a checksum. */
interface Entry extends RunKey {
  key: string;
  metrics: Metrics;
  checksum: string;
}

/** The checksum of an entry: a hash of everything in it but the checksum. */
function checksumOf(entry: Omit<Entry, 'checksum'>): string {
  return createHash('sha256').update(canonicalJSON(entry)).digest('hex');
}

/** Why a parsed cache file cannot be used for `key`, or undefined when it can. */
function problemOf(entry: unknown, key: string): string | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return 'not a cache entry';
  const { checksum, ...rest } = entry as Partial<Entry>;
  if (rest.key !== key) return rest.key === undefined ? 'it has no key' : `its key is ${String(rest.key)}`;
  if (typeof checksum !== 'string' || checksum !== checksumOf(rest as Omit<Entry, 'checksum'>)) return 'its checksum does not match its content';
  const run: RunKey = { runner: rest.runner!, params: rest.params!, seed: rest.seed!, modelVersion: rest.modelVersion!, ...(rest.inputs ? { inputs: rest.inputs } : {}) };
  if (SweepCache.key(run) !== key) return 'the run it describes does not have its key';
  const metrics = rest.metrics;
  if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics) || Object.keys(metrics).length === 0) return 'it holds no metrics';
  return undefined;
}

export class SweepCache {
  /** `warn` hears about entries that exist but cannot be used (default: stderr). */
  constructor(
    readonly dir: string,
    private readonly warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
  ) {}

  static key(run: RunKey): string {
    return createHash('sha256').update(canonicalJSON(run)).digest('hex');
  }

  /**
   * The cached metrics of a run, or undefined. A missing file is a plain miss; one that is
   * damaged, edited or holds another run is a miss with a warning (the run is recomputed and
   * its entry rewritten).
   */
  get(key: string): Metrics | undefined {
    const file = this.file(key);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      stats.misses++;
      return undefined;
    }
    let problem: string | undefined;
    let entry: Entry | undefined;
    try {
      entry = JSON.parse(text) as Entry;
      problem = problemOf(entry, key);
    } catch (e) {
      problem = `not valid JSON (${(e as Error).message})`;
    }
    if (problem === undefined) {
      stats.hits++;
      return entry!.metrics;
    }
    this.warn(`sweep cache: ignoring ${file}: ${problem}; recomputing the run`);
    stats.misses++;
    return undefined;
  }

  /** Stores a run's metrics, with the run, its key and a checksum (see get). */
  put(key: string, run: RunKey, metrics: Metrics): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const file = this.file(key);
    const body = { ...run, key, metrics };
    const entry: Entry = { ...body, checksum: checksumOf(body) };
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.writeFileSync(tmp, JSON.stringify(entry) + '\n');
      fs.renameSync(tmp, file);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }
}
