// dm-vdo benchmark (`make bench`, topic vdo): the NVMe example (examples/vdo-2023-nvme.yaml,
// 4 KiB random writes at ~1.5 GB/s, 3-6 M VDO messages per simulated second) under each
// thread design: simulated seconds, VDO messages and engine events per wall second, and the
// wall time the 2-simulated-second run would take at that rate. VDO_BENCH_MS sets the
// simulated time (default 100 ms, the example's). Then the dedicated design's 2 s run itself,
// timed: a projection from 100 ms overstates it by about 2x, the short run being mostly
// start-up transient and JIT warm-up (30.4 s projected against 15.3 s measured, idle).
//   node --import ./bin/register-ts.mjs bench/run.ts vdo
import { performance } from 'node:perf_hooks';
import { nvmeFioJob } from '../kernel-lib/scenario/calibration/vdo-2023.js';
import { runScenario } from '../kernel-lib/scenario/run.js';

function once(design: string, ms: number, name = `vdo.nvme_randwrite.${design}.messages_per_wall_s`): object {
  const file = 'examples/vdo-2023-nvme.yaml';
  const fio = nvmeFioJob(`${ms}ms`);
  const t0 = performance.now();
  const r = runScenario(file, { set: { 'vdo.threads': design, 'workload.fio': fio } });
  const wallS = (performance.now() - t0) / 1e3;
  const st = findStatus(r);
  const messages = Number(st?.messages ?? NaN);
  const simulatedS = r.dmsim.simulated_s;
  return {
    name,
    value: Math.round(messages / wallS),
    unit: 'messages/s',
    wall_s: wallS,
    simulated_s: simulatedS,
    messages,
    events: r.dmsim.events,
    events_per_wall_s: Math.round(r.dmsim.events / wallS),
    write_MBps: (Number(st?.writesCompleted ?? 0) * 4096) / simulatedS / 1e6,
    projected_wall_s_for_2_simulated_s: (wallS * 2) / simulatedS,
    goal_wall_s_for_2_simulated_s: 20,
  };
}

/** The vdo target's status() in the results (wherever the result shape keeps it). */
function findStatus(o: unknown): Record<string, unknown> | undefined {
  if (o === null || typeof o !== 'object') return undefined;
  if ('threadDesign' in (o as object)) return o as Record<string, unknown>;
  for (const v of Object.values(o as object)) {
    const r = findStatus(v);
    if (r !== undefined) return r;
  }
  return undefined;
}

export async function run(): Promise<object[]> {
  const ms = Number(process.env.VDO_BENCH_MS ?? 100);
  const rows = ['dedicated', 'workqueue', 'structure-locking'].map((d) => once(d, ms));
  if (process.env.VDO_BENCH_FULL !== '0') rows.push(once('dedicated', 2000, 'vdo.nvme_randwrite.dedicated.full_2s'));
  return rows;
}
