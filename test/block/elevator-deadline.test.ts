import { expect } from 'chai';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { Bio } from '../../kernel-lib/block/bio.js';
import { FakeDriver } from './fake-driver.js';
import { legacy, submitAll } from './queues.js';

describe('block/elevator-deadline', () => {
  it('deadline dispatches in sorted batches starting at the oldest request', () => {
    const order = (scheduler: string): number[] => {
      const sim = new Simulation();
      const drv = new FakeDriver(sim, 1);
      const q = legacy(sim, drv, { scheduler });
      submitAll(sim, q, [3000, 1000, 2000, 4000].map((s) => new Bio('write', s, 8)));
      sim.run();
      return drv.seen.map((s) => s.sector);
    };
    // deadline: the first batch starts at the FIFO head (3000) and continues upward (4000);
    // with nothing above, the next batch starts again at the oldest remaining (1000).
    expect(order('deadline')).to.deep.equal([3000, 4000, 1000, 2000]);
  });
});
