import { expect } from 'chai';
import { CpuSet, Mutex, Simulation, SimulationError } from '../../kernel-lib/sim/index.js';

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

describe('sim/mutex: optimistic spinning (spinOnOwner)', () => {
  // Three threads on three cores: A takes the lock and runs 30 us holding it; B asks at 10 us
  // while A is on its CPU; C asks at 50 us while the holder (B, now) sleeps on a timer.
  function scenario(spinOnOwner: boolean) {
    const sim = new Simulation();
    const cpus = new CpuSet(sim, { cores: 3, wakeupNs: 5_000 });
    const m = new Mutex(sim, 's->lock', { spinOnOwner });
    const got: Record<string, number> = {};
    const [a, b, c] = ['a', 'b', 'c'].map((n, i) => cpus.thread(n, { pin: i }));
    a.spawn(function* () {
      yield m.lock();
      yield a.exec(30_000);
      got.aRelease = sim.now;
      m.unlock();
    });
    b.spawn(function* () {
      yield b.exec(10_000);
      got.bAsk = sim.now;
      yield m.lock();
      yield b.exec(1); // on a core again (a woken thread pays its wakeup here)
      got.b = sim.now;
      yield b.exec(9_999);
      yield sim.timeout(30_000); // sleeps holding the lock: not running
      got.bRelease = sim.now;
      m.unlock();
    });
    c.spawn(function* () {
      yield c.exec(50_000);
      got.cAsk = sim.now;
      yield m.lock();
      yield c.exec(1);
      got.c = sim.now;
      m.unlock();
    });
    sim.run();
    return { got, b, c, m };
  }

  it('spins on a running owner (no wakeup, the wait is CPU time), sleeps on one that is not running', () => {
    const { got, b, c, m } = scenario(true);
    // B found A running: it spun, so it has the lock the instant A releases it, no wakeup,
    // and the 20 us it spun are CPU time of its thread.
    expect(got.aRelease - got.bAsk).to.equal(20_000);
    expect(got.b).to.equal(got.aRelease + 1);
    expect(b.cpuNs).to.equal(10_000 + 20_000 + 10_000);
    // C found B asleep holding the lock: it slept, and paid the wakeup after B's release.
    expect(got.cAsk).to.be.below(got.bRelease);
    expect(got.c).to.equal(got.bRelease + 5_000 + 1);
    expect(c.cpuNs).to.equal(50_001);
    expect(m.spins).to.equal(1);
    expect(m.spinNs).to.equal(20_000);
  });

  it('without spinning every waiter sleeps and pays a wakeup after the release', () => {
    const { got, b, m } = scenario(false);
    expect(got.b).to.equal(got.aRelease + 5_000 + 1);
    expect(b.cpuNs).to.equal(10_000 + 10_000);
    expect(m.spins).to.equal(0);
  });

  it('a spinner takes the lock ahead of an earlier sleeper', () => {
    const sim = new Simulation();
    const cpus = new CpuSet(sim, { cores: 3, wakeupNs: 5_000 });
    const m = new Mutex(sim, 'm', { spinOnOwner: true });
    const order: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((n, i) => cpus.thread(n, { pin: i }));
    a.spawn(function* () {
      yield m.lock();
      yield sim.timeout(20_000); // asleep until 20 us: B, arriving at 10 us, sleeps
      yield a.exec(40_000); // running from 25 us (after its wakeup): C, arriving at 40 us, spins
      m.unlock();
    });
    b.spawn(function* () {
      yield b.exec(5_000);
      yield m.lock();
      order.push(`b@${sim.now}`);
      m.unlock();
    });
    c.spawn(function* () {
      yield c.exec(35_000);
      yield m.lock();
      order.push(`c@${sim.now}`);
      m.unlock();
    });
    sim.run();
    expect(order).to.deep.equal(['c@65000', 'b@65000']);
    expect(m.spins).to.equal(1);
  });
});
