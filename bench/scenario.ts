// Scenario benchmarks (`make bench`): a whole `dmsim run` path, scenario file to fio JSON, on
// the calibration devices: simulated I/Os per wall second and events per wall second for a
// queue-depth-bound SSD job and a seek-bound HDD job, and the dd of docs/references.md#kcopyd-2007.
import { performance } from 'node:perf_hooks';
import { runScenario } from '../kernel-lib/scenario/run.js';

function fioJob(device: string, job: string): object {
  const t0 = performance.now();
  const r = runScenario({ seed: 1, devices: { sdb: device }, workload: { fio: `[j]\nfilename=sdb\ndirect=1\nbs=4k\ntime_based\n${job}\n` } });
  const wallS = (performance.now() - t0) / 1e3;
  const j = r.fio!.jobs[0];
  const ios = j.read.total_ios + j.write.total_ios;
  return { wallS, ios, events: r.dmsim.events, iosPerWallS: ios / wallS, eventsPerWallS: r.dmsim.events / wallS };
}

export async function run(): Promise<object[]> {
  const out: object[] = [];
  const ssd = fioJob('ssd-sata-2019', 'rw=randread\nioengine=libaio\niodepth=32\nruntime=0.5');
  out.push({ name: 'scenario.fio_ssd_randread_qd32.ios_per_wall_s', value: Math.round((ssd as any).iosPerWallS), unit: 'IO/s', ...ssd });
  const hdd = fioJob('hdd-2019', 'rw=randread\nioengine=libaio\niodepth=32\nruntime=5');
  out.push({ name: 'scenario.fio_hdd_randread_qd32.ios_per_wall_s', value: Math.round((hdd as any).iosPerWallS), unit: 'IO/s', ...hdd });
  const t0 = performance.now();
  const dd = runScenario('examples/hdd-sata-2007-dd.yaml');
  out.push({
    name: 'scenario.dd_hdd_sata_2007.wall_s',
    value: (performance.now() - t0) / 1e3,
    unit: 's',
    ddMBps: dd.dd!.bytes / dd.dd!.seconds / 1e6,
    publishedMBps: 45.4,
  });
  return out;
}
