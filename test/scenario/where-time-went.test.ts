import { expect } from 'chai';
import { threadReport, whereTheTimeWent } from '../../kernel-lib/scenario/where-time-went.js';
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
});
