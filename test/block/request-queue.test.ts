import { expect } from 'chai';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { Bio, REQ_SYNC } from '../../kernel-lib/block/bio.js';
import { FakeDriver } from './fake-driver.js';
import { legacy, submitAll } from './queues.js';

describe('block/request-queue (legacy, 2.6)', () => {

  it('merges eight sequential 4 KiB writes into one request, sent when the 3 ms unplug timer fires', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim);
    const q = legacy(sim, drv);
    const bios = Array.from({ length: 8 }, (_, i) => new Bio('write', 1000 + 8 * i, 8));
    submitAll(sim, q, bios);
    sim.run();
    expect(drv.seen).to.have.length(1);
    expect(drv.seen[0]).to.include({ sector: 1000, sectors: 64, bios: 8 });
    expect(drv.seen[0].at).to.equal(3e6);
    expect(q.diskStats().writeMerges).to.equal(7);
    expect(q.counters.unplugTimer).to.equal(1);
    for (const b of bios) expect(b.tComplete).to.equal(3e6 + drv.serviceNs + q.options.complete_cpu_ns);
  });

  it('without queue plugging (2.6.39 on) the queue never plugs itself: the first bio goes to the driver at once', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim);
    const q = legacy(sim, drv, { queue_plugging: false });
    const bios = Array.from({ length: 8 }, (_, i) => new Bio('write', 1000 + 8 * i, 8));
    submitAll(sim, q, bios);
    sim.run();
    expect(q.counters.plugs).to.equal(0);
    expect(q.counters.unplugTimer).to.equal(0);
    expect(drv.seen[0].at).to.be.below(3e6);
  });

  it('front-merges a bio that ends where a queued request starts (deadline)', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim);
    const q = legacy(sim, drv, { scheduler: 'deadline' });
    submitAll(sim, q, [new Bio('write', 1008, 8), new Bio('write', 1000, 8), new Bio('write', 1016, 8)]);
    sim.run();
    expect(drv.seen).to.have.length(1);
    expect(drv.seen[0]).to.include({ sector: 1000, sectors: 24, bios: 3 });
  });

  it('unplugs at unplug_thresh = 4 queued requests', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim);
    const q = legacy(sim, drv);
    submitAll(sim, q, [0, 100, 200, 300].map((s) => new Bio('write', s, 8)));
    sim.run();
    expect(drv.seen.map((s) => s.at)).to.deep.equal([0, 0, 0, 0]);
    expect(q.counters.unplugThreshold).to.equal(1);
  });

  it('a sync bio unplugs at once', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim);
    const q = legacy(sim, drv);
    submitAll(sim, q, [new Bio('read', 0, 8, REQ_SYNC)]);
    sim.run();
    expect(drv.seen[0].at).to.equal(0);
  });

  it('caps merged requests at max_sectors', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim);
    const q = legacy(sim, drv);
    submitAll(sim, q, Array.from({ length: 300 }, (_, i) => new Bio('write', 8 * i, 8)));
    sim.run();
    expect(drv.seen.map((s) => s.sectors)).to.deep.equal([1024, 1024, 352]);
  });

  it('the 129th submitter sleeps until a request is freed', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim, 1, 1e6);
    const q = legacy(sim, drv);
    const bios = Array.from({ length: 129 }, (_, i) => new Bio('write', 1000 * i, 8));
    for (const b of bios) sim.process(q.submit(b));
    sim.run({ until: 1 });
    expect(q.allocatedRequests(1)).to.equal(128);
    expect(q.counters.sleeps).to.equal(1);
    expect(bios[128].tInsert).to.be.NaN;
    sim.run();
    // It got the request freed by the first completion (1 ms of service + the softirq).
    expect(bios[128].tInsert).to.equal(1e6 + q.options.complete_cpu_ns);
    expect(bios.every((b) => b.status === null && b.tComplete > 0)).to.equal(true);
  });
});
