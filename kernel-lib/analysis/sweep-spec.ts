// A sweep as a file (sweeps/NAME.yaml): the same description a notebook's sweep() call gives,
// so a sweep can run from the command line, on a cluster in shards, and from a notebook, and
// always find the same cache entries. Paths in it (scenario, runner) are relative to the
// project root, as in notebooks: the cache keys hold them as written.
//
//   scenario: examples/hdd-2019-randread-qd32.yaml     # or runner: { module, export }
//   params: { fio.runtime: 2 }                          # fixed, merged into every point
//   grid: { block.nr_requests: [4, 32, 128] }           # or a list of points
//   replicates: 3
//   seed: 42
//   metrics: [iops, clat_mean_us]                       # columns kept (default: all)
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ColumnTable } from 'arquero';
import { InputError } from '../base/input-error.js';
import { loadScenarioFile, type SourceMap } from '../scenario/load.js';
import type { Grid, Params } from './grid.js';
import { PROJECT_DIR } from './module-location.js';
import { sweep, type SweepOptions, type SweepTable } from './sweep.js';

/** The runner a `scenario:` sweep uses: the scenario layer's, as notebooks name it. */
export const SCENARIO_RUNNER = { module: 'kernel-lib/scenario/sweep-runner.ts', export: 'scenarioPoint' } as const;

export interface SweepSpec {
  /** The sweep's name: the file name without its extension. */
  name: string;
  /** The spec file as given (for messages). */
  file: string;
  /** What sweep() is called with (no workers, cache or progress choices: those are the caller's). */
  options: SweepOptions;
  /** Metric columns to keep, in this order; undefined keeps all. */
  metrics?: string[];
  /** Where fields are, for errors found after the runs (an unknown metric). */
  source: SourceMap;
}

const FIELDS = ['scenario', 'runner', 'params', 'grid', 'replicates', 'seed', 'metrics', 'label', 'point_timeout_s'];

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reads and checks a sweep file; every mistake is an InputError naming file, line and field. */
export function loadSweepSpec(file: string): SweepSpec {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile()) throw new InputError(`cannot read the sweep file: ${st ? 'a directory, not a file' : 'ENOENT (no such file)'}`, { file });
  const { data, source } = loadScenarioFile(file);
  const fail = (field: string | (string | number)[], reason: string): never => {
    throw source.error(Array.isArray(field) ? field : [field], reason);
  };
  if (!isObject(data)) throw new InputError('a sweep file is a mapping (scenario or runner, grid, replicates, seed, metrics)', { file });
  for (const key of Object.keys(data)) {
    if (!FIELDS.includes(key)) fail(key, `unknown field (a sweep file has: ${FIELDS.join(', ')})`);
  }
  const fromRoot = (p: string) => path.resolve(PROJECT_DIR, p);

  if ((data.scenario === undefined) === (data.runner === undefined)) {
    fail(data.scenario === undefined ? [] : 'runner', 'give either scenario (a scenario file) or runner ({ module, export }), not both or neither');
  }
  const params: Params = {};
  let runner: SweepOptions['runner'];
  if (data.scenario !== undefined) {
    if (typeof data.scenario !== 'string' || data.scenario === '') fail('scenario', 'must be the path of a scenario file, relative to the project root');
    if (!fs.statSync(fromRoot(data.scenario as string), { throwIfNoEntry: false })?.isFile()) {
      fail('scenario', `no such file: ${String(data.scenario)} (paths are relative to the project root, ${PROJECT_DIR})`);
    }
    runner = { ...SCENARIO_RUNNER };
    params.scenario = data.scenario;
  } else {
    const r = data.runner;
    if (!isObject(r) || typeof r.module !== 'string' || (r.export !== undefined && typeof r.export !== 'string')) {
      fail('runner', "must be { module: 'path/to/runner.ts', export: 'run' } (export optional)");
    }
    const { module, export: exportName, ...rest } = r as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) fail(['runner', extra], 'unknown field (a runner has module and export)');
    if (!fs.statSync(fromRoot(module as string), { throwIfNoEntry: false })?.isFile()) {
      fail(['runner', 'module'], `no such file: ${String(module)} (paths are relative to the project root, ${PROJECT_DIR})`);
    }
    runner = { module: module as string, ...(exportName !== undefined ? { export: exportName as string } : {}) };
  }

  if (data.params !== undefined) {
    if (!isObject(data.params)) fail('params', 'must be a mapping of fixed parameters (name: value)');
    for (const [name, value] of Object.entries(data.params as Params)) {
      if (name === 'scenario' && data.scenario !== undefined) fail(['params', name], 'the scenario is given by the top-level scenario field');
      params[name] = value;
    }
  }

  let grid: Grid = {};
  if (data.grid !== undefined) {
    if (Array.isArray(data.grid)) {
      if (data.grid.length === 0) fail('grid', 'an empty list of points: give at least one point, or leave grid out for a single point');
      data.grid.forEach((point, i) => {
        if (!isObject(point)) fail(['grid', i], 'each point of a list is a mapping of parameters (name: value)');
      });
    } else if (isObject(data.grid)) {
      for (const [name, values] of Object.entries(data.grid)) {
        if (!Array.isArray(values) || values.length === 0) fail(['grid', name], 'must be a non-empty list of values');
      }
    } else fail('grid', 'must be a mapping (name: [values], every combination) or a list of points');
    grid = data.grid as Grid;
  }

  const positiveInteger = (field: string, fallback: number): number => {
    const v = data[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(field, `must be a positive integer, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const replicates = positiveInteger('replicates', 1);
  const seed = data.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) fail('seed', `must be an integer, got ${JSON.stringify(seed)}`);

  let metrics: string[] | undefined;
  if (data.metrics !== undefined) {
    const m = data.metrics;
    if (!Array.isArray(m) || m.length === 0 || m.some((x) => typeof x !== 'string' || x === '')) fail('metrics', 'must be a non-empty list of metric names');
    const twice = (m as string[]).find((x, i) => (m as string[]).indexOf(x) !== i);
    if (twice !== undefined) fail('metrics', `'${twice}' is listed twice`);
    metrics = m as string[];
  }
  if (data.label !== undefined && typeof data.label !== 'string') fail('label', 'must be text');
  let pointTimeoutMs: number | undefined;
  if (data.point_timeout_s !== undefined) {
    const s = data.point_timeout_s;
    if (typeof s !== 'number' || !(s > 0)) fail('point_timeout_s', `must be a positive number of seconds, got ${JSON.stringify(s)}`);
    pointTimeoutMs = (s as number) * 1000;
  }

  const name = path.basename(file).replace(/\.(ya?ml|json)$/i, '');
  const options: SweepOptions = {
    runner,
    grid,
    params,
    replicates,
    seed: seed as number,
    label: (data.label as string | undefined) ?? `sweep ${name}`,
    ...(pointTimeoutMs !== undefined ? { pointTimeoutMs } : {}),
  };
  return { name, file, options, metrics, source };
}

/**
 * The table with only the spec's metrics (after the parameters, replicate and seed), or as is
 * when the spec lists none. A metric the runner never returned is an error at `metrics`.
 */
export function selectMetrics(spec: SweepSpec, table: SweepTable): SweepTable {
  if (spec.metrics === undefined || table.numRows() === 0) return table;
  const all = table.columnNames();
  const seedAt = all.indexOf('seed');
  checkSpecMetrics(spec, all.slice(seedAt + 1));
  const kept = table.select([...all.slice(0, seedAt + 1), ...spec.metrics]) as ColumnTable;
  return Object.assign(kept, { failures: table.failures, info: table.info });
}

/**
 * Every metric the spec lists is one the runner returned (`returned`, from runs that
 * succeeded; none succeeded: nothing to check), else an error at `metrics`.
 */
export function checkSpecMetrics(spec: SweepSpec, returned: readonly string[]): void {
  if (spec.metrics === undefined || returned.length === 0) return;
  const unknown = spec.metrics.find((m) => !returned.includes(m));
  if (unknown !== undefined) {
    throw spec.source.error(['metrics'], `'${unknown}' is not a metric the runner returns (it returns: ${returned.join(', ')})`);
  }
}

/**
 * Runs the sweep a spec describes: exactly sweep(spec.options) plus the metric selection. The
 * command line and notebooks both call this, so both reach the same cache entries.
 *   const t = await runSweepSpec(loadSweepSpec('sweeps/ncq.yaml'));
 */
export async function runSweepSpec(spec: SweepSpec, extra: Partial<SweepOptions> = {}): Promise<SweepTable> {
  return selectMetrics(spec, await sweep({ ...spec.options, ...extra }));
}
