import { expect } from 'chai';
import { CpuSet, Simulation, SimulationError, Workqueue } from '../../kernel-lib/sim/index.js';

describe('sim/workqueue', () => {
  it('queueing a pending item does nothing; an item never runs concurrently with itself', () => {
    const sim = new Simulation();
    const cpus = new CpuSet(sim, { cores: 4 });
    const wq = new Workqueue(cpus, { name: 'kcopyd', bound: false });
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const work = wq.work('do_work', function* (thread) {
      running++;
      maxRunning = Math.max(maxRunning, running);
      runs++;
      yield thread.exec(1000);
      running--;
    });
    sim.process(function* () {
      expect(wq.queueWork(work)).to.equal(true);
      expect(wq.queueWork(work)).to.equal(false); // already pending
      yield sim.timeout(500); // now running
      expect(wq.queueWork(work)).to.equal(true); // pending again while it runs
      expect(wq.queueWork(work)).to.equal(false);
    });
    sim.run();
    expect(runs).to.equal(2);
    expect(maxRunning).to.equal(1);
    expect(sim.now).to.equal(2000);
  });

  it('a bound workqueue runs items on the CPU they were queued from', () => {
    const sim = new Simulation();
    const cpus = new CpuSet(sim, { cores: 3 });
    const wq = new Workqueue(cpus, { name: 'kblockd' });
    const ranOn: number[] = [];
    const items = [0, 1, 2].map((cpu) =>
      wq.work(`w${cpu}`, function* (thread) {
        yield thread.exec(10);
        ranOn.push(thread.core?.index ?? -1);
      }),
    );
    items.forEach((w, cpu) => wq.queueWork(w, 2 - cpu));
    sim.run();
    expect(ranOn.sort()).to.deep.equal([0, 1, 2]);
    expect(items.map((w) => w.executions)).to.deep.equal([1, 1, 1]);
  });

  it('an item queued from another CPU while it runs runs again on its pool, by the same worker', () => {
    const sim = new Simulation();
    const cpus = new CpuSet(sim, { cores: 2 });
    const wq = new Workqueue(cpus, { name: 'kcopyd' });
    const ran: string[] = [];
    const work = wq.work('do_work', function* (thread) {
      yield thread.exec(1000);
      ran.push(`${thread.name}@cpu${thread.core?.index}`);
    });
    sim.process(function* () {
      wq.queueWork(work, 0);
      yield sim.timeout(500); // running on CPU 0 now
      wq.queueWork(work, 1); // __queue_work sends it to the pool it runs on
    });
    sim.run();
    expect(ran).to.deep.equal(['kworker/0:0 (kcopyd)@cpu0', 'kworker/0:0 (kcopyd)@cpu0']);
    expect(sim.now).to.equal(2000); // back to back: no second worker woken, no switch
  });

  it('an ordered workqueue runs one item at a time, in order', () => {
    const sim = new Simulation();
    const cpus = new CpuSet(sim, { cores: 4 });
    const wq = new Workqueue(cpus, { name: 'ordered', ordered: true });
    const log: string[] = [];
    for (const n of ['a', 'b', 'c']) {
      wq.queueWork(
        wq.work(n, function* (thread) {
          log.push(`${n}@${sim.now}`);
          yield thread.exec(100);
        }),
      );
    }
    sim.run();
    expect(log).to.deep.equal(['a@0', 'b@100', 'c@200']);
  });

  it('maxActive must be a positive integer', () => {
    const cpus = new CpuSet(new Simulation(), { cores: 1 });
    expect(() => new Workqueue(cpus, { name: 'bad', maxActive: 0 })).to.throw(SimulationError, /workqueue bad: maxActive/);
  });
});
