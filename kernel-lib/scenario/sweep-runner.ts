// A sweep runner over scenarios: `params.scenario` names the scenario file, every other
// parameter is a dotted override (`block.nr_requests`, `kcopyd.requeue`, `seed`...), and the
// sweep's seed replaces the scenario's. Returns one flat row of metrics. Worker threads load
// this module by path, so it must stay importable on its own.
//   sweep({ runner: { module: 'kernel-lib/scenario/sweep-runner.ts', export: 'scenarioPoint' },
//           params: { scenario: 'examples/hdd-2019-randwrite.yaml' },
//           grid: { 'block.nr_requests': [4, 32, 128] }, replicates: 3 })
import { runScenario } from './run.js';

export function scenarioPoint(params: Record<string, unknown>, seed: number): Record<string, number | string | boolean> {
  const { scenario, ...set } = params;
  if (typeof scenario !== 'string') {
    throw new TypeError(`scenarioPoint: params.scenario must be the path of a scenario file, got ${JSON.stringify(scenario)}`);
  }
  return runScenario(scenario, { set, seed }).metrics();
}

/** The sweep's default export name. */
export const run = scenarioPoint;
