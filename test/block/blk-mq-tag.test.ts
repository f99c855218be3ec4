import { expect } from 'chai';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { Bio, REQ_SYNC } from '../../kernel-lib/block/bio.js';
import { FakeDriver } from './fake-driver.js';
import { mq } from './queues.js';

describe('block/blk-mq-tag', () => {
  it('without a scheduler, a submitter that finds no driver tag sleeps', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim, 4, 1e6);
    const q = mq(sim, null, drv);
    const bios = Array.from({ length: 5 }, (_, i) => new Bio('write', 1000 * i, 8, REQ_SYNC));
    for (const b of bios) sim.process(q.submit(b));
    sim.run();
    expect(drv.maxInFlight).to.equal(4);
    expect(q.counters.tagSleeps).to.equal(1);
    expect(drv.seen[4].at).to.equal(1e6 + q.options.complete_cpu_ns);
  });
});
