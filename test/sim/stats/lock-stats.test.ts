import { expect } from 'chai';
import { Mutex, Simulation } from '../../../kernel-lib/sim/index.js';
import { LockStats } from '../../../kernel-lib/sim/stats/lock-stats.js';

describe('sim/stats/lock-stats', () => {
  it('reports what lock_stat does for a lock: acquisitions, contentions, wait and hold times', () => {
    // Three holders of 10 ns each arriving together: waits 0, 10, 20; two contended.
    const sim = new Simulation();
    const m = new Mutex(sim, 'lock');
    for (let i = 0; i < 3; i++) {
      sim.process(function* () {
        yield m.lock();
        yield sim.timeout(10);
        m.unlock();
      });
    }
    sim.run();
    const s: LockStats = m.stats;
    expect([s.acquisitions, s.contentions]).to.deep.equal([3, 2]);
    expect(s.waitTime.mean).to.be.closeTo(10, 1e-12);
    expect(s.holdTime.mean).to.be.closeTo(10, 1e-12);
    expect(s.toJSON()).to.have.keys(['acquisitions', 'contentions', 'waitNs', 'holdNs']);
    s.reset();
    expect([s.acquisitions, s.contentions, s.waitTime.count]).to.deep.equal([0, 0, 0]);
  });
});
