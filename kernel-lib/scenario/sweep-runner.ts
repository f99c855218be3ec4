// A sweep runner over scenarios: `params.scenario` names the scenario file, every other
// parameter is a dotted override (`block.nr_requests`, `kcopyd.requeue`, `seed`...), and the
// sweep's seed replaces the scenario's. Returns one flat row of metrics. Worker threads load
// this module by path, so it must stay importable on its own.
//   sweep({ runner: { module: 'kernel-lib/scenario/sweep-runner.ts', export: 'scenarioPoint' },
//           params: { scenario: 'examples/hdd-2019-randwrite.yaml' },
//           grid: { 'block.nr_requests': [4, 32, 128] }, replicates: 3 })
import * as fs from 'node:fs';
import { runScenario } from './run.js';

export function scenarioPoint(params: Record<string, unknown>, seed: number): Record<string, number | string | boolean> {
  const { scenario, ...set } = params;
  return runScenario(scenarioFile(scenario, 'scenarioPoint'), { set, seed }).metrics();
}

function scenarioFile(scenario: unknown, runner: string): string {
  if (typeof scenario !== 'string') {
    throw new TypeError(`${runner}: params.scenario must be the path of a scenario file, got ${JSON.stringify(scenario)}`);
  }
  return scenario;
}

/**
 * scenarioPoint's row, plus what a time-series study needs in a cached row (a sweep caches
 * only the flat row, not the files a run writes):
 * - `iops_log_N`: fio's first iops log (`write_iops_log=NAME` in `workload.fio`, read back
 *   from `NAME_iops.1.log`), one column per interval, N = interval end in ms;
 * - `DEV.FIELD`: every number in each mapped device's target status (dedup's
 *   metadataWrites, metadataCommits...);
 * - with `powerCutAt` (seconds; not an override): per device `cut.DEV.lostWrites` etc., per
 *   target `cut.DEV.consistent`, `cut.DEV.lost.KEY`, `cut.DEV.recovered.KEY`, `cut.DEV.summary`.
 * The log name should be unique per point: parallel workers write their own files.
 */
export function scenarioSeriesPoint(params: Record<string, unknown>, seed: number): Record<string, number | string | boolean> {
  const { scenario, powerCutAt, ...set } = params;
  const r = runScenario(scenarioFile(scenario, 'scenarioSeriesPoint'), { set, seed, ...(powerCutAt === undefined ? {} : { powerCutAt: powerCutAt as number }) });
  const m = r.metrics();
  const job = typeof set['workload.fio'] === 'string' ? /^\s*write_iops_log=(\S+)/m.exec(set['workload.fio']) : null;
  if (job !== null) {
    const file = `${job[1]}_iops.1.log`;
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const [t, v] = line.split(',').map((x) => Number(x.trim()));
      if (line.trim() !== '' && Number.isFinite(t)) m[`iops_log_${t}`] = v;
    }
    fs.rmSync(file, { force: true });
  }
  for (const dev of r.dmsim.devices) {
    for (const t of (dev.status ?? []) as Record<string, unknown>[]) {
      for (const [k, v] of Object.entries(t)) if (typeof v === 'number' && k !== 'begin' && k !== 'length') m[`${dev.name}.${k}`] = v;
    }
  }
  const cut = r.dmsim.power_cut;
  if (cut !== undefined) {
    for (const d of cut.devices) {
      for (const [k, v] of Object.entries(d)) if (typeof v === 'number') m[`cut.${d.device}.${k}`] = v;
    }
    for (const t of cut.targets) {
      m[`cut.${t.device}.consistent`] = t.consistent;
      m[`cut.${t.device}.summary`] = t.summary;
      m[`cut.${t.device}.problems`] = t.problems.join(' ');
      for (const [k, v] of Object.entries(t.lost)) m[`cut.${t.device}.lost.${k}`] = v;
      for (const [k, v] of Object.entries(t.recovered)) m[`cut.${t.device}.recovered.${k}`] = v;
    }
  }
  return m;
}

/** The sweep's default export name. */
export const run = scenarioPoint;
