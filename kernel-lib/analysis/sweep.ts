// A parameter sweep: every point of a grid, `replicates` times, each run with its own seed
// derived from one base seed; runs execute in parallel on worker threads, are cached on disk,
// and come back as one arquero table row per run, in grid order (never completion order), so
// the same sweep always gives the same table.
//
//   const t = await sweep({
//     runner: { module: 'kernel-lib/scenario/sweep-runner.ts', export: 'run' },
//     params: { scenario: 'scenarios/snapshot.yaml' },
//     grid: { 'snapshot.chunk_kib': [4, 16, 64], 'kcopyd.requeue': ['tail', 'head'] },
//     replicates: 5,
//     seed: 42,
//   });
import { availableParallelism } from 'node:os';
import type { ColumnTable } from 'arquero';
import { createExecutor } from './executor.js';
import { canonicalJSON, expandGrid, parameterNames, splitLabels, type Grid, type Params } from './grid.js';
import { modelVersion } from './model-version.js';
import { createProgress } from './progress.js';
import { checkMetrics, resolveRunner, type Metrics, type RunnerSpec } from './runner.js';
import { deriveSeed } from './seeds.js';
import { SweepCache, runKeyOf, sweepCacheDir } from './sweep-cache.js';

export interface SweepOptions {
  runner: RunnerSpec;
  /** Parameter name -> values (cross product), or a list of points. Default: one point. */
  grid?: Grid;
  /** Fixed parameters merged into every point (grid values win on a clash). */
  params?: Params;
  /** Runs per point, each with its own seed. Default 1. */
  replicates?: number;
  /** Base seed every run's seed is derived from. Default 0. */
  seed?: number;
  /** Worker threads; 1 runs in the calling thread. Default: os.availableParallelism(). */
  workers?: number;
  /** Reuse and store results on disk. Default true. */
  cache?: boolean;
  /** Cache folder; default $DMSIM_CACHE_DIR or .cache/sweeps at the project root. */
  cacheDir?: string;
  /** Name shown by the progress display. Default: the runner. */
  label?: string;
  /** No progress display and no failure summary on stderr. */
  quiet?: boolean;
  /**
   * Time limit of one run, in ms (default DEFAULT_POINT_TIMEOUT_MS; Infinity for none). A run
   * past it fails (its point only); in a worker thread even a busy loop is stopped.
   */
  pointTimeoutMs?: number;
  /**
   * Compute nothing: runs not in the cache are listed in `info.missing` and left out of the
   * table (how `dmsim sweep merge` builds a sharded sweep's table from the cache alone).
   */
  cacheOnly?: boolean;
}

/** Generous (a point is one simulation, seconds), finite so that a hung runner ends. */
export const DEFAULT_POINT_TIMEOUT_MS = 10 * 60_000;

export interface SweepFailure {
  params: Params;
  replicate: number;
  seed: number;
  error: string;
}

export interface SweepInfo {
  runner: string;
  seed: number;
  modelVersion: string;
  runs: number;
  failed: number;
  cacheHits: number;
  wallMs: number;
  /** With `cacheOnly`: the runs the cache did not have. */
  missing?: { params: Params; replicate: number; seed: number }[];
  /** Points whose replicates all gave the same metrics (see identicalReplicates). */
  identicalReplicates: number;
  /** What the sweep printed as warnings on stderr (also kept with `quiet`). */
  warnings: string[];
}

/** The result table, plus the runs that failed and how the sweep went. */
export type SweepTable = ColumnTable & { failures: SweepFailure[]; info: SweepInfo };

export interface PlannedRun {
  /** What the runner gets (label columns removed). */
  params: Params;
  /** The point's `label.*` columns. */
  labels: Params;
  /** Index of the point in grid order. */
  point: number;
  replicate: number;
  seed: number;
}

/** One run of a sweep: its point, replicate and seed, and its metrics or its error. */
export interface SweepRun extends PlannedRun {
  metrics?: Metrics;
  error?: string;
}

/** What a sweep computed, before it becomes a table. */
export interface SweepRuns {
  /** Every run in grid order. */
  runs: SweepRun[];
  /** The grid's points (their parameter names order the table's columns). */
  points: Params[];
  failures: SweepFailure[];
  info: SweepInfo;
}

export async function sweep(options: SweepOptions): Promise<SweepTable> {
  const { runs, points, failures, info } = await sweepRuns(options);
  return Object.assign(await toTable(runs, points), { failures, info });
}

/**
 * sweep() without the table: a shard needs only what was computed and cached, and the table
 * library (arquero, a few hundred modules) is a good part of a short shard's start-up.
 */
export async function sweepRuns(options: SweepOptions): Promise<SweepRuns> {
  const started = Date.now();
  const runner = resolveRunner(options.runner);
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) {
    throw new TypeError(`sweep: 'workers' must be a positive integer, got ${workers}`);
  }
  const baseSeed = options.seed ?? 0;
  const points = expandGrid(options.grid ?? {});
  const runs: SweepRun[] = planRuns(points, options.params ?? {}, options.replicates ?? 1, baseSeed);

  const version = modelVersion(runner.module);
  const cache = options.cache === false ? undefined : new SweepCache(sweepCacheDir(options.cacheDir));
  const keyOf = (run: SweepRun) => runKeyOf(runner.id, version, run.params, run.seed);
  if (options.cacheOnly && !cache) throw new TypeError("sweep: 'cacheOnly' needs the cache (cache: false was given)");
  for (const run of runs) run.metrics = cache?.get(SweepCache.key(keyOf(run)));
  const uncached = runs.filter((run) => run.metrics === undefined);
  const todo = options.cacheOnly ? [] : uncached;
  const cacheHits = runs.length - uncached.length;

  const progress = options.quiet ? undefined : createProgress(options.label ?? `sweep ${runner.id}`, runs.length);
  let done = cacheHits;
  let failed = 0;
  const status = () => [cacheHits && `${cacheHits} cached`, failed && `${failed} failed`].filter(Boolean).join(', ');
  progress?.update(done, status());

  const pointTimeoutMs = options.pointTimeoutMs ?? DEFAULT_POINT_TIMEOUT_MS;
  if (!(pointTimeoutMs > 0)) throw new TypeError(`sweep: 'pointTimeoutMs' must be a positive number of ms, got ${pointTimeoutMs}`);
  // In this thread only when asked (workers: 1); see createExecutor.
  const threads = workers === 1 ? 1 : Math.max(2, Math.min(workers, todo.length));
  const executor = todo.length > 0 ? createExecutor(threads) : undefined;
  let cacheError: unknown;
  try {
    // No more runs in flight than threads: a run's time limit then counts its own time, not
    // its wait in the pool's queue.
    let next = 0;
    const runOne = async (run: SweepRun) => {
        try {
          const value = await executor!.run({ module: runner.module, exportName: runner.exportName, params: run.params, seed: run.seed }, pointTimeoutMs);
          const problem = checkMetrics(value);
          if (problem) throw new Error(problem);
          run.metrics = value as Metrics;
        } catch (error) {
          run.error = error instanceof Error ? error.message : String(error);
          failed++;
        }
        if (cache && run.metrics) {
          // A cache that cannot be written costs time next run, not this run's result.
          try {
            cache.put(SweepCache.key(keyOf(run)), keyOf(run), run.metrics);
          } catch (error) {
            cacheError ??= error;
          }
        }
        progress?.update(++done, status());
    };
    await Promise.all(
      Array.from({ length: threads }, async () => {
        while (next < todo.length) await runOne(todo[next++]!);
      }),
    );
  } finally {
    progress?.stop();
    await executor?.close();
  }

  if (cacheError) process.stderr.write(`sweep: could not write the cache in ${cache!.dir}: ${String(cacheError)}\n`);
  const failures = runs
    .filter((run) => run.error !== undefined)
    .map(({ params, replicate, seed, error }) => ({ params, replicate, seed, error: error! }));
  if (failures.length === runs.length) {
    throw new Error(`sweep ${runner.id}: all ${runs.length} runs failed\n${describeFailures(failures)}`);
  }
  if (failures.length > 0 && !options.quiet) {
    process.stderr.write(`sweep ${runner.id}: ${failures.length} of ${runs.length} runs failed (kept the others)\n${describeFailures(failures)}\n`);
  }

  const warnings: string[] = [];
  const identical = identicalReplicates(runs);
  if (identical.length > 0) warnings.push(identicalReplicatesWarning(options.label ?? `sweep ${runner.id}`, identical, points.length));
  if (!options.quiet) for (const w of warnings) process.stderr.write(`${w}\n`);

  const info: SweepInfo = {
    runner: runner.id,
    seed: baseSeed,
    modelVersion: version,
    runs: runs.length,
    failed: failures.length,
    cacheHits,
    wallMs: Date.now() - started,
    identicalReplicates: identical.length,
    warnings,
    ...(options.cacheOnly ? { missing: uncached.map(({ params, replicate, seed }) => ({ params, replicate, seed })) } : {}),
  };
  return { runs, points, failures, info };
}

/**
 * Every run in grid order: each point (fixed params merged under it) times each replicate.
 * The seed comes from what the runner gets, so label columns never change a result.
 */
export function planRuns(points: readonly Params[], fixed: Params, replicates: number, baseSeed: number): PlannedRun[] {
  if (!Number.isInteger(replicates) || replicates < 1) {
    throw new TypeError(`sweep: 'replicates' must be a positive integer, got ${replicates}`);
  }
  return points.flatMap((point, index) => {
    const { params, labels } = splitLabels({ ...fixed, ...point });
    return Array.from({ length: replicates }, (_, replicate) => ({ params, labels, point: index, replicate, seed: deriveSeed(baseSeed, params, replicate) }));
  });
}

/** The metric names the runs returned, in the table's column order (first seen first). */
export function metricNames(runs: readonly SweepRun[]): string[] {
  return [...new Set(runs.flatMap((run) => (run.metrics ? Object.keys(run.metrics) : [])))];
}

/** One row per successful run: parameters, replicate, seed, then the metrics. */
async function toTable(runs: readonly SweepRun[], points: readonly Params[]): Promise<ColumnTable> {
  const aq = await import('arquero');
  const ok = runs.filter((run) => run.metrics !== undefined);
  // Grid parameters first (they are what varies), then fixed ones.
  const paramNames = [...new Set([...parameterNames(points), ...parameterNames(ok.map((run) => ({ ...run.params, ...run.labels })))])];
  const metricColumns = metricNames(ok);
  const clash = metricColumns.find((name) => paramNames.includes(name) || name === 'replicate' || name === 'seed');
  if (clash) throw new Error(`sweep: metric '${clash}' has the name of a parameter or of the 'replicate'/'seed' column; rename it`);
  const columns: Record<string, unknown[]> = {};
  for (const name of paramNames) columns[name] = ok.map((run) => (name in run.labels ? run.labels[name] : run.params[name]));
  columns.replicate = ok.map((run) => run.replicate);
  columns.seed = ok.map((run) => run.seed);
  for (const name of metricColumns) columns[name] = ok.map((run) => run.metrics![name]);
  return aq.table(columns);
}

function describeFailures(failures: readonly SweepFailure[], max = 10): string {
  const lines = failures
    .slice(0, max)
    .map((f) => `  ${JSON.stringify(f.params)} replicate ${f.replicate} (seed ${f.seed}): ${f.error}`);
  if (failures.length > max) lines.push(`  ... and ${failures.length - max} more (see the table's .failures)`);
  return lines.join('\n');
}

/**
 * The points (runner params and labels) whose replicates, two or more and all successful, gave
 * identical metrics. A simulation is deterministic in its seed, and each replicate has its own
 * seed: identical results mean the run does not use it where it matters. The usual cause is a
 * fio job with randrepeat=1 (fio's default), whose random offsets come from `randseed` alone.
 */
export function identicalReplicates(runs: readonly (PlannedRun & { metrics?: Metrics })[]): Params[] {
  const byPoint = new Map<number, (PlannedRun & { metrics?: Metrics })[]>();
  for (const run of runs) {
    const group = byPoint.get(run.point) ?? [];
    byPoint.set(run.point, group);
    group.push(run);
  }
  const out: Params[] = [];
  for (const group of byPoint.values()) {
    if (group.length < 2 || group.some((run) => run.metrics === undefined)) continue;
    const first = canonicalJSON(group[0]!.metrics);
    if (group.every((run) => canonicalJSON(run.metrics) === first)) out.push({ ...group[0]!.params, ...group[0]!.labels });
  }
  return out;
}

function identicalReplicatesWarning(label: string, points: readonly Params[], total: number): string {
  const shown = points.slice(0, 3).map((p) => `  ${JSON.stringify(p)}`);
  if (points.length > 3) shown.push(`  ... and ${points.length - 3} more`);
  return (
    `warning: ${label}: the replicates of ${points.length} of ${total} points gave identical results, so they are not ` +
    `independent (their spread and confidence intervals are 0 and say nothing):\n${shown.join('\n')}\n` +
    `  A fio job with randrepeat=1, fio's default, draws the same offsets in every run whatever the seed: sweep with ` +
    `'workload.fio.global.randrepeat': 0 (or write randrepeat=0 in the job file) for independent replicates (docs/analysis.md).`
  );
}
