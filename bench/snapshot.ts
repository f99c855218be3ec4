// dm-snapshot benchmark: the 2007 same-disk 8 KiB cell of docs/references.md#kcopyd-2007 (dd bs=1M
// count=1000 buffered onto an origin with a persistent snapshot, COW on the same 2007 SATA
// disk, 2.6.21 preset). Goal: under 3 s of wall time. Reports simulated I/Os (bios completed
// by the physical disk) per wall second, and the heap at the end (memory flat in time: the
// complete-exception table is the only structure that grows, one entry per copied chunk).
//   node --import ./bin/register-ts.mjs bench/snapshot.ts
import { runScenario } from '../kernel-lib/scenario/run.js';
import { dd2007 } from '../kernel-lib/scenario/calibration/kcopyd-2007.js';

export async function run(): Promise<object[]> {
  const out: object[] = [];
  for (const [chunk, mb] of [[8, 1000]] as const) {
    const r = runScenario(dd2007('same', chunk, mb));
    const disk = r.dmsim.devices.find((d) => d.name === 'sda') as { readIos: number; writeIos: number };
    const ios = disk.readIos + disk.writeIos;
    const wallS = r.dmsim.wall_ms / 1e3;
    out.push({
      name: `snapshot-2007-same-${chunk}k-dd-${mb}MB`,
      value: wallS,
      unit: 's wall',
      goal: '< 3 s',
      simulated_s: r.dmsim.simulated_s,
      dd_mb_s: r.dd!.bytes / r.dd!.seconds / 1e6,
      disk_ios: ios,
      ios_per_wall_s: ios / wallS,
      events: r.dmsim.events,
      events_per_wall_s: r.dmsim.events / wallS,
      heap_mib: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run()) console.log(JSON.stringify(row));
}
