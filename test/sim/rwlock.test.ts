import { expect } from 'chai';
import { RwLock, type RwLockPolicy, Simulation, SimulationError } from '../../kernel-lib/sim/index.js';

/** A writer holds the lock 0..10; a writer arrives at 1, a reader at 2: who goes first? */
function scenario(policy: RwLockPolicy): string[] {
  const sim = new Simulation();
  const lock = new RwLock(sim, 'lock', policy);
  const log: string[] = [];
  sim.process(function* () {
    yield lock.readLock();
    yield sim.timeout(10);
    lock.readUnlock();
  });
  sim.process(function* () {
    yield sim.timeout(1);
    yield lock.writeLock();
    log.push(`writer@${sim.now}`);
    yield sim.timeout(5);
    lock.writeUnlock();
  });
  sim.process(function* () {
    yield sim.timeout(2);
    yield lock.readLock();
    log.push(`reader@${sim.now}`);
    yield sim.timeout(5);
    lock.readUnlock();
  });
  sim.run();
  return log;
}

describe('sim/rwlock', () => {
  it("fifo (the kernel's rwsem): a reader behind a waiting writer waits for it", () => {
    expect(scenario('fifo')).to.deep.equal(['writer@10', 'reader@15']);
  });

  it('reader preference: a reader joins the readers and the writer waits', () => {
    expect(scenario('reader')).to.deep.equal(['reader@2', 'writer@10']);
  });

  it('writer preference: the writer goes first', () => {
    expect(scenario('writer')).to.deep.equal(['writer@10', 'reader@15']);
  });

  it('a run of readers at the head is woken together', () => {
    const sim = new Simulation();
    const lock = new RwLock(sim);
    const starts: number[] = [];
    sim.process(function* () {
      yield lock.writeLock();
      yield sim.timeout(10);
      lock.writeUnlock();
    });
    for (let i = 0; i < 3; i++) {
      sim.process(function* () {
        yield sim.timeout(1);
        yield lock.readLock();
        starts.push(sim.now);
        yield sim.timeout(4);
        lock.readUnlock();
      });
    }
    sim.run();
    expect(starts).to.deep.equal([10, 10, 10]);
    expect(lock.readStats.contentions).to.equal(3);
    expect(lock.writeStats.holdTime.mean).to.equal(10);
  });

  it('unlocking what is not held names the process', () => {
    const sim = new Simulation();
    const lock = new RwLock(sim, 'origins');
    sim.process(function* bad() {
      yield sim.timeout(1);
      lock.writeUnlock();
    });
    expect(() => sim.run()).to.throw(SimulationError, /process bad released origins for write, but no writer holds it/);
  });
});
