import { expect } from 'chai';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { Bio } from '../../kernel-lib/block/bio.js';
import { FakeDriver } from './fake-driver.js';
import { legacy, submitAll } from './queues.js';

describe('block/elevator-noop', () => {
  it('noop dispatches in FIFO order', () => {
    const order = (scheduler: string): number[] => {
      const sim = new Simulation();
      const drv = new FakeDriver(sim, 1);
      const q = legacy(sim, drv, { scheduler });
      submitAll(sim, q, [3000, 1000, 2000, 4000].map((s) => new Bio('write', s, 8)));
      sim.run();
      return drv.seen.map((s) => s.sector);
    };
    expect(order('noop')).to.deep.equal([3000, 1000, 2000, 4000]);
  });
});
