// A sweep split into shards that run anywhere sharing the project folder (Slurm array tasks,
// GNU parallel over ssh, Kubernetes pods, or a few terminals): shard I of N runs every N-th
// point of the grid into the normal sweep cache, so the table is then built from the cache
// alone (sweep-merge.ts) and is the same table a one-machine sweep gives.
//
// Beside the cache, a sweep's job folder holds its plan (which spec, which model version, how
// many shards) and one marker per shard: where and when it ran, what it did, which runs failed.
// Judging a shard by its marker rather than by the scheduler matters: Slurm without accounting
// forgets a job minutes after it ends, and a killed shard leaves a marker that never finished.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canonicalJSON, expandGrid, type Params } from './grid.js';
import { modelVersion } from './model-version.js';
import { setProgressFactory } from './progress.js';
import { resolveRunner } from './runner.js';
import { SweepCache, runKeyOf, sweepCacheDir } from './sweep-cache.js';
import { checkSpecMetrics, type SweepSpec } from './sweep-spec.js';
import { metricNames, planRuns, sweepRuns, type SweepFailure, type SweepRuns } from './sweep.js';

export interface Plan {
  spec: string;
  /** Hash of what decides the runs and their split: runner, params, grid, replicates, seed. */
  specHash: string;
  modelVersion: string;
  shards: number;
  points: number;
  runs: number;
  /** Hash of the three above that decide the runs: markers of another plan are stale. */
  planId: string;
  created: string;
}

export interface ComputedRun {
  key: string;
  params: Params;
  replicate: number;
  /** Hash of the metrics this host computed (two hosts disagreeing is nondeterminism). */
  digest: string;
}

export interface Marker {
  planId: string;
  shard: number;
  shards: number;
  status: 'running' | 'done' | 'refused';
  host: string;
  pid: number;
  node: string;
  modelVersion: string;
  started: string;
  finished?: string;
  runs: number;
  done: number;
  cached: number;
  failed: number;
  failures: SweepFailure[];
  computed: ComputedRun[];
  wallMs?: number;
  reason?: string;
}

/** A shard that will not run (the model or the plan changed under it); the message says why. */
export class ShardRefused extends Error {}

/** Where a sweep's plan, markers, job scripts and logs live: $DMSIM_SWEEP_DIR or .cache/sweep-jobs, per sweep. */
export function jobDir(spec: SweepSpec): string {
  const root = process.env.DMSIM_SWEEP_DIR ?? path.join(path.dirname(sweepCacheDir()), 'sweep-jobs');
  return path.resolve(root, spec.name);
}

export const planFile = (dir: string) => path.join(dir, 'plan.json');
export const markerFile = (dir: string, shard: number, shards: number) => path.join(dir, `shard-${shard}-of-${shards}.json`);
const historyDir = (dir: string) => path.join(dir, 'history');

/** This machine's name in markers ($DMSIM_HOST overrides it: tests play several hosts). */
export function hostName(): string {
  return process.env.DMSIM_HOST ?? os.hostname();
}

/** Points of shard `shard` of `shards`: every shards-th point of the grid, starting at `shard`. */
export function shardPoints(points: readonly Params[], shard: number, shards: number): Params[] {
  return points.filter((_, i) => i % shards === shard);
}

/** "I/N" from the command line, 0 <= I < N. */
export function parseShard(text: string): { shard: number; shards: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const shard = Number(m?.[1]);
  const shards = Number(m?.[2]);
  if (!m || shards < 1 || shard >= shards) throw new RangeError(`--shard ${text}: expected I/N with 0 <= I < N, e.g. 0/4`);
  return { shard, shards };
}

/** The plan of `spec` in `shards` shards with this checkout's model. */
export function makePlan(spec: SweepSpec, shards: number): Plan {
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`shards must be a positive integer, got ${shards}`);
  const o = spec.options;
  const specHash = hash(canonicalJSON({ runner: resolveRunner(o.runner).id, params: o.params, grid: o.grid, replicates: o.replicates, seed: o.seed })).slice(0, 16);
  const version = modelVersion(resolveRunner(o.runner).module);
  const points = expandGrid(o.grid ?? {}).length;
  if (shards > points) throw new RangeError(`${shards} shards for ${points} points: some shards would have nothing to do; use at most ${points}`);
  return {
    spec: spec.file,
    specHash,
    modelVersion: version,
    shards,
    points,
    runs: points * (o.replicates ?? 1),
    planId: hash(`${specHash}\n${version}\n${shards}`).slice(0, 16),
    created: new Date().toISOString(),
  };
}

export function readPlan(dir: string): Plan | undefined {
  return readJson<Plan>(planFile(dir));
}

/** Writes `plan` unless the same plan is there already (its markers then stay valid). */
export function writePlan(dir: string, plan: Plan): Plan {
  const old = readPlan(dir);
  if (old?.planId === plan.planId) return old;
  writeJson(planFile(dir), plan);
  return plan;
}

/** Every marker of the current plan, by shard. */
export function currentMarkers(dir: string, plan: Plan): (Marker | undefined)[] {
  return Array.from({ length: plan.shards }, (_, i) => {
    const m = readJson<Marker>(markerFile(dir, i, plan.shards));
    return m?.planId === plan.planId ? m : undefined;
  });
}

/** Every marker ever written for this sweep (current and replaced ones), for the nondeterminism check. */
export function allMarkers(dir: string): Marker[] {
  const files = (d: string) => (fs.existsSync(d) ? fs.readdirSync(d).filter((f) => /^shard-.*\.json$/.test(f)).map((f) => path.join(d, f)) : []);
  return [...files(dir), ...files(historyDir(dir))].map((f) => readJson<Marker>(f)).filter((m): m is Marker => m !== undefined);
}

export interface ShardOptions {
  /** Worker threads; default $SLURM_CPUS_PER_TASK or 1 (a machine runs several shards). */
  workers?: number;
  quiet?: boolean;
}

/**
 * Runs shard `shard` of `shards`. The plan is made if there is none; a plan with another model
 * version, spec or shard count makes the shard refuse (with a marker saying why): its runs
 * would be cached under keys the merge never reads.
 */
export async function runShard(spec: SweepSpec, shard: number, shards: number, options: ShardOptions = {}): Promise<Marker> {
  const dir = jobDir(spec);
  fs.mkdirSync(dir, { recursive: true });
  const mine = makePlan(spec, shards);
  let plan = readPlan(dir);
  if (plan === undefined) {
    // The first shard to start writes the plan; the others (racing) read it.
    try {
      fs.writeFileSync(planFile(dir), JSON.stringify(mine, null, 2) + '\n', { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    plan = readPlan(dir) ?? mine;
  }
  const base: Marker = {
    planId: plan.planId,
    shard,
    shards,
    status: 'running',
    host: hostName(),
    pid: process.pid,
    node: process.version,
    modelVersion: mine.modelVersion,
    started: new Date().toISOString(),
    runs: 0,
    done: 0,
    cached: 0,
    failed: 0,
    failures: [],
    computed: [],
  };
  const refusal =
    plan.modelVersion !== mine.modelVersion
      ? `the model changed: this checkout's model version is ${mine.modelVersion}, the sweep was planned with ${plan.modelVersion} (plan of ${plan.created}); re-plan (dmsim sweep ${spec.file} --slurm, or dmsim sweep plan ${spec.file})`
      : plan.specHash !== mine.specHash
        ? `${spec.file} changed since the sweep was planned (${plan.created}); re-plan (dmsim sweep plan ${spec.file})`
        : plan.shards !== shards
          ? `the sweep was planned in ${plan.shards} shards, not ${shards}; re-plan (dmsim sweep plan ${spec.file} --shards ${shards})`
          : undefined;
  archiveMarker(dir, shard, shards);
  if (refusal !== undefined) {
    writeJson(markerFile(dir, shard, shards), { ...base, status: 'refused', reason: refusal, finished: new Date().toISOString() });
    throw new ShardRefused(`shard ${shard}/${shards} refused: ${refusal}`);
  }

  const o = spec.options;
  const points = shardPoints(expandGrid(o.grid ?? {}), shard, shards);
  const replicates = o.replicates ?? 1;
  const runner = resolveRunner(o.runner);
  const runs = planRuns(points, o.params ?? {}, replicates, o.seed ?? 0).map(({ params, replicate, seed }) => ({
    params,
    replicate,
    seed,
    key: SweepCache.key(runKeyOf(runner.id, mine.modelVersion, params, seed)),
  }));
  const cache = new SweepCache(sweepCacheDir(o.cacheDir), () => {});
  const before = new Set(runs.filter((r) => cache.get(r.key) !== undefined).map((r) => r.key));
  let marker: Marker = { ...base, runs: runs.length, cached: before.size, done: before.size };
  writeJson(markerFile(dir, shard, shards), marker);

  // The marker follows the sweep's progress, so `status` and `--watch` see a shard advance
  // without any scheduler, and a killed shard's marker says how far it got. One small write
  // per run: a run is a simulation of seconds.
  setProgressFactory(() => ({
    update(done) {
      if (done === marker.done) return;
      marker = { ...marker, done };
      writeJson(markerFile(dir, shard, shards), marker);
    },
    stop() {},
  }));
  const started = Date.now();
  // The runs without their table: a shard never shows one, and the table library is a good
  // part of a short shard's start-up (bench/shard.ts).
  let swept: SweepRuns | undefined;
  try {
    swept = await sweepRuns({ ...o, grid: points, workers: options.workers ?? shardWorkers(), quiet: false });
  } catch (e) {
    // Every run failed: sweepRuns() throws with their summary; the marker still records them.
    swept = undefined;
    if (!options.quiet) process.stderr.write(`${(e as Error).message}\n`);
  } finally {
    setProgressFactory(null);
  }
  const computed: ComputedRun[] = [];
  for (const r of runs) {
    if (before.has(r.key)) continue;
    const metrics = cache.get(r.key);
    if (metrics !== undefined) computed.push({ key: r.key, params: r.params, replicate: r.replicate, digest: hash(canonicalJSON(metrics)).slice(0, 16) });
  }
  const failures: SweepFailure[] = swept?.failures ?? runs.filter((r) => !before.has(r.key)).map((r) => ({ params: r.params, replicate: r.replicate, seed: r.seed, error: 'every run of the shard failed (see its log)' }));
  marker = {
    ...marker,
    status: 'done',
    finished: new Date().toISOString(),
    done: runs.length,
    failed: failures.length,
    failures,
    computed,
    wallMs: Date.now() - started,
  };
  writeJson(markerFile(dir, shard, shards), marker);
  // An unknown metric in the spec is found here, by the first shard, not only at the merge.
  if (swept) checkSpecMetrics(spec, metricNames(swept.runs));
  return marker;
}

/** Threads a shard uses: what Slurm gave the task, else one (shards are the parallelism). */
function shardWorkers(): number {
  const n = Number(process.env.SLURM_CPUS_PER_TASK);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

/** A shard's earlier marker is kept in history/ (the nondeterminism check compares them). */
function archiveMarker(dir: string, shard: number, shards: number): void {
  const file = markerFile(dir, shard, shards);
  if (!fs.existsSync(file)) return;
  fs.mkdirSync(historyDir(dir), { recursive: true });
  const stamp = `${Date.now()}-${randomBytes(3).toString('hex')}`;
  fs.renameSync(file, path.join(historyDir(dir), `shard-${shard}-of-${shards}.${stamp}.json`));
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Through a temporary file and a rename: a reader on another host never sees half a marker. */
export function writeJson(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
