import { expect } from 'chai';
import { Simulation, SpinLock } from '../../kernel-lib/sim/index.js';

describe('sim/spinlock', () => {
  it('a spinlock is a lock whose waiters spin', () => {
    const sim = new Simulation();
    const s = new SpinLock(sim, 'job_lock');
    const log: number[] = [];
    for (let i = 0; i < 2; i++) {
      sim.process(function* () {
        yield s.lock();
        log.push(sim.now);
        yield sim.timeout(3);
        s.unlock();
      });
    }
    sim.run();
    expect(log).to.deep.equal([0, 3]);
  });
});
