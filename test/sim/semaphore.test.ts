import { expect } from 'chai';
import { Semaphore, Simulation } from '../../kernel-lib/sim/index.js';

describe('sim/semaphore', () => {
  it('a counting semaphore lets N in and may be upped by anyone', () => {
    const sim = new Simulation();
    const cow = new Semaphore(sim, 2, 'cow_count');
    const starts: number[] = [];
    for (let i = 0; i < 4; i++) {
      sim.process(function* () {
        yield cow.down();
        starts.push(sim.now);
      });
    }
    sim.process(function* () {
      yield sim.timeout(5);
      cow.up();
      yield sim.timeout(5);
      cow.up();
    });
    sim.run();
    expect(starts).to.deep.equal([0, 0, 5, 10]);
  });
});
