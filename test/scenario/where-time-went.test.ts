import { expect } from 'chai';
import { threadReport, whereTheTimeWent, whereTheTimeWentMetrics } from '../../kernel-lib/scenario/where-time-went.js';
import { CpuSet } from '../../kernel-lib/sim/cpu.js';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { lockReport } from '../../kernel-lib/sim/lock-report.js';
import { runScenario } from '../../kernel-lib/scenario/run.js';

describe('scenario/where-time-went', () => {
  it('thread CPU time adds up to the cores busy time when switching costs nothing', () => {
    const sim = new Simulation();
    const cpus = new CpuSet(sim, { cores: 2 });
    const bursts = [30_000, 50_000, 20_000];
    bursts.forEach((ns, i) =>
      cpus.thread(`t${i}`).spawn(function* () {
        yield sim.timeout(i * 1_000);
        const t = cpus.threads[i];
        yield t.exec(ns);
      }),
    );
    sim.run();
    const rows = threadReport(sim, cpus, sim.now);
    expect(rows.map((r) => r.cpu_ns)).to.deep.equal(bursts);
    const busy = cpus.cores.reduce((n, c) => n + c.busyNs, 0);
    expect(rows.reduce((n, r) => n + r.cpu_ns, 0)).to.equal(busy);
    for (const r of rows) expect(r.cpu_busy).to.be.closeTo(r.cpu_ns / sim.now, 1e-12);
  });

  it('the mutex-era snapshot: kcopyd and the snapshot lock are in the report; the text names them', function () {
    this.timeout(0); // a whole scenario run: wall time depends on the load, the result does not
    const r = runScenario('examples/snapshot-2019-null_blk-origin-randwrite.yaml');
    const d = r.dmsim;
    const lock = d.locks.find((l) => l.name === 'snap.lock');
    expect(lock, 'snap.lock').not.to.equal(undefined);
    expect(lock!.kind).to.equal('mutex');
    expect(lock!.acquisitions).to.be.greaterThan(1000);
    expect(lock!.hold_fraction).to.be.within(0, 1);
    const kcopyd = d.threads.find((t) => t.kind === 'work' && t.name === 'kcopyd-snap');
    expect(kcopyd?.passes).to.be.greaterThan(0);
    // The work item's CPU is CPU some kworker thread spent.
    const kworkers = d.threads.filter((t) => t.kind === 'thread' && t.name.includes('(kcopyd-snap)'));
    expect(kworkers.reduce((n, t) => n + t.cpu_ns, 0)).to.be.at.least(kcopyd!.cpu_ns);
    expect(r.text()).to.match(/where the time went/).and.to.match(/snap\.lock/).and.to.match(/kcopyd-snap/);
  });

  it('the text table ranks by CPU and by hold time and says how many rows it left out', () => {
    const sim = new Simulation();
    const threads = Array.from({ length: 8 }, (_, i) => ({ name: `t${i}`, kind: 'thread' as const, cpu_ns: i * 10, cpu_busy: i / 100, pin: -1, context_switches: 1 }));
    const lines = whereTheTimeWent(threads, lockReport(sim, 1), [0.5, 0.25], 3);
    expect(lines[0]).to.equal('where the time went: cores busy 50.0% 25.0%');
    expect(lines[2]).to.match(/^ {2}t7 /);
    expect(lines[4]).to.match(/^ {2}t5 /);
    expect(lines[5]).to.equal('  (4 more in dmsim.threads)');
  });

  it('metrics() carries the report as columns: per core, per thread and work item, per lock class', function () {
    this.timeout(0); // two short scenario runs
    const run = (seed: number) => runScenario('examples/snapshot-2019-null_blk-origin-randwrite.yaml', { seed, set: { 'workload.fio.global.runtime': '5ms' } });
    const r = run(1);
    const m = r.metrics();
    const d = r.dmsim;
    // The columns are the dmsim block's numbers, in the documented units (docs/scenario.md, "Metrics").
    d.cpu_util.forEach((u, i) => expect(m[`cpu.${i}.busy`], `cpu.${i}.busy`).to.equal(u));
    expect(m['cpu.busy_max']).to.equal(Math.max(...d.cpu_util));
    expect(m['cpu.busy_sum']).to.be.closeTo(d.cpu_util.reduce((a, b) => a + b, 0), 1e-12);
    const lock = d.locks.find((l) => l.name === 'snap.lock')!;
    expect(m['lock.snap.lock.hold']).to.equal(lock.hold_fraction);
    expect(m['lock.snap.lock.acquisitions']).to.equal(lock.acquisitions);
    expect(m['lock.snap.lock.contended']).to.equal(lock.contended / lock.acquisitions);
    expect(m['lock.snap.lock.wait_mean_us']).to.equal(lock.contended_wait_mean_ns / 1e3);
    expect(m['work.kcopyd-snap.cpu_busy']).to.equal(d.threads.find((t) => t.kind === 'work' && t.name === 'kcopyd-snap')!.cpu_busy);
    // Theory: a core is busy at least as long as the threads pinned to it ran on it (the rest
    // of its busy time is interrupts and softirqs charged to no thread).
    d.cpu_util.forEach((u, core) => {
      const pinned = d.threads.filter((t) => t.kind === 'thread' && t.pin === core).reduce((n, t) => n + Number(m[`thread.${t.name}.cpu_busy`]), 0);
      expect(pinned, `threads pinned to CPU ${core}`).to.be.at.most(u + 1e-9);
    });
    // The CPU limit of this stack shows: CPU 0 (fio job 0 and kcopyd's bound work item) is saturated.
    expect(m['cpu.busy_max']).to.equal(m['cpu.0.busy']).and.to.be.above(0.95);
    // The columns are the stack's, not the run's luck: another seed, the same keys in the same order.
    expect(Object.keys(run(2).metrics())).to.deep.equal(Object.keys(m));
  });

  it('threads of one name share a column; a lock never acquired has zeros, not NaN', () => {
    const threads = [
      { name: 'kworker/0:1', kind: 'thread' as const, cpu_ns: 10, cpu_busy: 0.25 },
      { name: 'kworker/0:1', kind: 'thread' as const, cpu_ns: 10, cpu_busy: 0.5 },
    ];
    const locks = [{ name: 'idle', kind: 'mutex', instances: 1, acquisitions: 0, contended: 0, wait_mean_ns: 0, contended_wait_mean_ns: 0, wait_max_ns: 0, hold_fraction: 0 }];
    expect(whereTheTimeWentMetrics(threads, locks, [0.75, 0])).to.deep.equal({
      'cpu.0.busy': 0.75,
      'cpu.1.busy': 0,
      'cpu.busy_max': 0.75,
      'cpu.busy_sum': 0.75,
      'thread.kworker/0:1.cpu_busy': 0.75,
      'lock.idle.hold': 0,
      'lock.idle.acquisitions': 0,
      'lock.idle.contended': 0,
      'lock.idle.wait_mean_us': 0,
    });
  });
});
