import { expect } from 'chai';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { BlkMq } from '../../kernel-lib/block/blk-mq.js';
import { parseBlockOptions } from '../../kernel-lib/block/options.js';
import { FakeDriver } from './fake-driver.js';
import { mq } from './queues.js';


describe('block/blk-mq', () => {

  it('with a scheduler, nr_requests = 2 x min(queue_depth, 128) scheduler tags', () => {
    const sim = new Simulation();
    const small = mq(sim, null, new FakeDriver(sim, 64), { scheduler: 'mq-deadline' });
    const big = mq(sim, null, new FakeDriver(sim, 1024), { scheduler: 'mq-deadline' });
    const none = mq(sim, null, new FakeDriver(sim, 64));
    expect(small.hctxs[0].schedTags?.depth).to.equal(128);
    expect(big.hctxs[0].schedTags?.depth).to.equal(256);
    expect(none.hctxs[0].schedTags).to.equal(null);
  });

  it('the default scheduler is mq-deadline for one hardware queue, none for several', () => {
    const sim = new Simulation();
    expect(new BlkMq(sim, null, new FakeDriver(sim, 64, 1, 1), parseBlockOptions({})).scheduler).to.equal('mq-deadline');
    expect(new BlkMq(sim, null, new FakeDriver(sim, 64, 1, 4), parseBlockOptions({})).scheduler).to.equal('none');
  });
});
