import { expect } from 'chai';
import { Mutex, Simulation, SimulationError } from '../../kernel-lib/sim/index.js';

describe('sim/mutex', () => {
  it('a mutex serializes holders in FIFO order and records wait and hold times', () => {
    const sim = new Simulation();
    const m = new Mutex(sim, 's->lock');
    const log: string[] = [];
    for (const [i, name] of ['a', 'b', 'c'].entries()) {
      sim.process(function* () {
        yield sim.timeout(i);
        yield m.lock();
        log.push(`${name}@${sim.now}`);
        yield sim.timeout(10);
        m.unlock();
      }, name);
    }
    sim.run();
    expect(log).to.deep.equal(['a@0', 'b@10', 'c@20']);
    expect(m.stats.acquisitions).to.equal(3);
    expect(m.stats.contentions).to.equal(2);
    // b waited 10 - 1 = 9, c waited 20 - 2 = 18, a 0.
    expect(m.stats.waitTime.mean).to.be.closeTo(9, 1e-12);
    expect(m.stats.holdTime.mean).to.equal(10);
  });

  it('unlocking a mutex held by another process names both', () => {
    const sim = new Simulation();
    const m = new Mutex(sim, 'pe_lock');
    sim.process(function* owner() {
      yield m.lock();
      yield sim.timeout(10);
    });
    sim.process(function* thief() {
      yield sim.timeout(1);
      m.unlock();
    });
    expect(() => sim.run()).to.throw(SimulationError, /process thief unlocked pe_lock, which is held by process owner/);
  });

  it('unlocking a free mutex is refused', () => {
    const sim = new Simulation();
    const m = new Mutex(sim, 'free');
    sim.process(function* p() {
      yield sim.timeout(1);
      m.unlock();
    });
    expect(() => sim.run()).to.throw(SimulationError, /process p unlocked free, which is not locked/);
  });

  it('locking a mutex twice from its owner is a self-deadlock error', () => {
    const sim = new Simulation();
    const m = new Mutex(sim, 'm');
    sim.process(function* p() {
      yield m.lock();
      yield m.lock();
    });
    expect(() => sim.run()).to.throw(SimulationError, /self-deadlock/);
  });
});
