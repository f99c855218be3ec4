// dm-clone benchmark (`make bench`, topic clone): cells of examples/clone-2019-vs-snapshot.yaml
// with the published 90 s of fio (docs/references.md#devices-2019). Goal (the issue's): one
// cell under 10 s of wall time. Reports wall seconds, the process's CPU seconds (on a shared
// machine wall time measures the load as much as the model), fio I/Os and events per wall
// second, per cell:
//   clone-lat-write-64k  psync 4 KiB random writes, 64 KiB regions: each first write copies
//                        a region from the slow disk (slow-disk bound, ~70k I/Os)
//   clone-lat-write-4k   the same with 4 KiB regions: every write is a full-region overwrite
//                        on the SSD (SSD bound, ~1.2M I/Os)
//   snapshot-lat-write-64k  the snapshot over raid1, 64 KiB chunks
//   node --import ./bin/register-ts.mjs bench/run.ts clone
import { runScenario } from '../kernel-lib/scenario/run.js';

const EX = 'examples/clone-2019-vs-snapshot.yaml';

function cell(name: string, set: Record<string, unknown>): object {
  const cpu0 = process.cpuUsage();
  const r = runScenario(EX, { set: { 'vars.runtime': 90, ...set } });
  const cpu = process.cpuUsage(cpu0);
  const j = r.fio!.jobs[0];
  const ios = j.read.total_ios + j.write.total_ios;
  const wallS = r.dmsim.wall_ms / 1e3;
  return {
    name: `clone.${name}.wall_s`,
    value: wallS,
    unit: 's wall',
    goal: '< 10 s',
    cpu_s: (cpu.user + cpu.system) / 1e6,
    simulated_s: r.dmsim.simulated_s,
    fio_ios: ios,
    ios_per_wall_s: Math.round(ios / wallS),
    events_per_wall_s: Math.round(r.dmsim.events / wallS),
  };
}

export async function run(): Promise<object[]> {
  return [
    cell('clone-lat-write-64k', { stack: 'clone', 'vars.region': 128 }),
    cell('clone-lat-write-4k', { stack: 'clone', 'vars.region': 8 }),
    cell('snapshot-lat-write-64k', { stack: 'snapshot', 'vars.region': 128 }),
  ];
}
