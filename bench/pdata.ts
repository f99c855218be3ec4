// persistent-data and dm-dedup benchmark and mechanism probe (`make bench`, topic pdata):
// 1. btree inserts: 100k random keys into a 4 KiB-node btree through tm/bm/dm-bufio, with a
//    commit every 10k; metadata block operations (block-manager read and write locks) per
//    wall second.
// 2. the 2013 flusher stall, in miniature: the dedup target (cowbtree, md5) taking one
//    sequential unique 4 KiB write at a time; metadata on a disk whose queue holds 128
//    requests and writes a random 4 KiB block in 5 ms [R: a plausible 7200 rpm disk], data on
//    a fast device; a flusher thread commits every 10 s. Per design: the writes completed in
//    each simulated second, and the seconds with none.
// 3. the 2013 scenario as shipped (examples/dedup-2013-flusher-stall.yaml, 120 simulated s,
//    without its iops log): wall time (goal: under 20 s), simulated writes and metadata block
//    operations per wall second, and per CPU second (what a loaded machine cannot blur).
//   node --import ./bin/register-ts.mjs bench/run.ts pdata
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { Bio } from '../kernel-lib/block/bio.js';
import { createMappedDevice } from '../kernel-lib/dm/index.js';
import type { DedupTarget } from '../kernel-lib/dm/dedup/index.js';
import { Simulation } from '../kernel-lib/sim/index.js';
import { FakeDevice } from '../test/dm/fake-device.js';
import { QueueDevice } from '../test/dm/bufio/queue-device.js';
import { makeMetadata } from '../test/dm/persistent-data/helpers.js';
import { runScenario } from '../kernel-lib/scenario/index.js';

function btreeInserts(): object {
  const sim = new Simulation({ seed: 1 });
  const { md } = makeMetadata(sim, { bufio: { cacheBlocks: 4096 } });
  const t = md.btree({ size: 8 });
  const rng = sim.rng('k');
  const t0 = performance.now();
  sim.process(function* () {
    yield* md.format();
    let root = yield* t.empty();
    for (let i = 0; i < 100_000; i++) {
      root = yield* t.insert(root, rng.integer(0, 400_000), i);
      if (i % 10_000 === 9_999) {
        md.roots.set('t', root);
        yield* md.commit();
      }
    }
  });
  sim.run();
  const wallS = (performance.now() - t0) / 1e3;
  const ops = md.bm.stats.readLocks + md.bm.stats.writeLocks;
  return { name: 'pdata.btree-100k-inserts', value: wallS, unit: 's wall', metadata_block_ops: ops, block_ops_per_wall_s: Math.round(ops / wallS), inserts_per_wall_s: Math.round(100_000 / wallS) };
}

function stall(label: string, params: Record<string, unknown>, seconds: number): object {
  const sim = new Simulation({ seed: 1 });
  const meta = new QueueDevice(sim, 'meta', 1 << 22, 5_000_000, 128);
  const data = new FakeDevice(sim, 'data', 1 << 26, 100_000);
  data.record = false;
  const devs: Record<string, unknown> = { meta, data };
  const ctx = { sim, cpus: null, params: { kernel: '3.10', 'dedup.flusherIntervalS': 10, 'bufio.writeback': 'percent', ...params }, deviceName: 'dd', lookupDevice: (d: string) => devs[d] as never };
  const dev = createMappedDevice(ctx, `0 ${1 << 26} dedup meta data 4096 md5 cowbtree 0`);
  const target = dev.targets[0].target as unknown as DedupTarget;
  const perSecond = new Array<number>(seconds).fill(0);
  const t0 = performance.now();
  let start = NaN;
  sim.process(function* () {
    yield target.ready as NonNullable<typeof target.ready>;
    start = sim.now;
    for (let lbn = 0; ; lbn++) {
      const bio = new Bio('write', lbn * 8, 8);
      const done = bio.wait(sim);
      yield* dev.submit(bio);
      yield done;
      const s = Math.floor((sim.now - start) / 1e9);
      if (s >= seconds) break;
      perSecond[s]++;
    }
  });
  // The flusher never stops: run to the end of the measured interval.
  sim.run({ until: target.ready as NonNullable<typeof target.ready> });
  sim.run({ until: start + seconds * 1e9 });
  const wallS = (performance.now() - t0) / 1e3;
  const zero = perSecond.map((n, i) => (n === 0 ? i : -1)).filter((i) => i >= 0);
  const runs: number[] = [];
  for (let i = 0; i < zero.length; i++) {
    if (i > 0 && zero[i] === zero[i - 1] + 1) runs[runs.length - 1]++;
    else runs.push(1);
  }
  const md = (target.backend as unknown as { metadata: { commitStats: object; bufio: { stats: object } } }).metadata;
  return { name: `dedup-stall.${label}`, value: wallS, unit: 's wall', simulated_s: seconds, writes: perSecond.reduce((a, b) => a + b, 0), zero_second_runs: runs, per_second: perSecond, commit: md.commitStats, bufio: md.bufio.stats };
}

/**
 * The 2013 scenario as shipped (examples/dedup-2013-flusher-stall.yaml, 120 simulated s):
 * wall time, simulated writes and metadata block operations per wall second.
 */
function scenario2013(): object {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = runScenario('examples/dedup-2013-flusher-stall.yaml', { set: { 'workload.fio': FIO_2013_NO_LOG } });
  const wallS = (performance.now() - t0) / 1e3;
  // CPU time as well: on a shared machine the wall time says more about the load than the code.
  const cpu = process.cpuUsage(c0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const writes = r.fio!.jobs[0].write.total_ios as number;
  const dd = r.dmsim.devices.find((d) => d.name === 'dd')!.status[0] as Record<string, number>;
  return {
    name: 'dedup-2013-scenario', value: wallS, unit: 's wall', cpu_s: Number(cpuS.toFixed(2)), simulated_s: r.dmsim.simulated_s, goal_s: 20,
    writes, writes_per_wall_s: Math.round(writes / wallS), writes_per_cpu_s: Math.round(writes / cpuS),
    metadata_block_ops: dd.metadataBlockOps, metadata_block_ops_per_wall_s: Math.round(dd.metadataBlockOps / wallS),
    metadata_block_ops_per_cpu_s: Math.round(dd.metadataBlockOps / cpuS),
    events_per_wall_s: Math.round(r.dmsim.events / wallS),
  };
}

/** The example's own fio job without its iops log lines (a bench writes no files). */
const FIO_2013_NO_LOG = (parseDocument(readFileSync('examples/dedup-2013-flusher-stall.yaml', 'utf8')).getIn(['workload', 'fio']) as string)
  .split('\n')
  .filter((line) => !/^(write_iops_log|log_avg_msec)=/.test(line))
  .join('\n');

/**
 * make bench: 100k btree inserts, then the stall probe over 12 simulated seconds (one flusher
 * commit at 10 s) under each design.
 */
export async function run(): Promise<object[]> {
  const seconds = 12;
  return [
    btreeInserts(),
    stall('blocking-3.2', {}, seconds),
    stall('cow-3.2', { 'pdata.commit': 'cow' }, seconds),
    stall('blocking-6.4', { 'bufio.locking': '6.4' }, seconds),
    scenario2013(),
  ];
}
