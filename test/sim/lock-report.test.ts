import { expect } from 'chai';
import { lockReport } from '../../kernel-lib/sim/lock-report.js';
import { CpuSet, Mutex, RwLock, Simulation, SpinLock } from '../../kernel-lib/sim/index.js';

describe('sim/lock-report', () => {
  it('a mutex: hold fraction is the time held over the span; the second taker waited for the first', () => {
    const sim = new Simulation();
    const m = new Mutex(sim, 'm');
    // A holds 0-30 us, B asks at 10 us and holds 30-50 us; the run ends at 100 us.
    sim.process(function* () {
      yield m.lock();
      yield sim.timeout(30_000);
      m.unlock();
    });
    sim.process(function* () {
      yield sim.timeout(10_000);
      yield m.lock();
      yield sim.timeout(20_000);
      m.unlock();
      yield sim.timeout(50_000);
    });
    sim.run();
    expect(sim.now).to.equal(100_000);
    const [row] = lockReport(sim, sim.now);
    expect(row).to.include({ name: 'm', kind: 'mutex', instances: 1, acquisitions: 2, contended: 1, wait_max_ns: 20_000 });
    expect(row.hold_fraction).to.be.closeTo(0.5, 1e-12);
    expect(row.wait_mean_ns).to.equal(10_000);
    expect(row.contended_wait_mean_ns).to.equal(20_000);
  });

  it('locks of one name are one class: instances counted, hold fractions summed; a lock still held counts up to now', () => {
    const sim = new Simulation();
    const a = new SpinLock(sim, 'bucket');
    const b = new SpinLock(sim, 'bucket');
    sim.process(function* () {
      yield a.lock();
      yield sim.timeout(40_000);
      a.unlock();
      yield b.lock();
      yield sim.timeout(100_000);
    });
    sim.run({ until: 100_000 });
    const [row] = lockReport(sim, sim.now);
    expect(row).to.include({ name: 'bucket', kind: 'spinlock', instances: 2, acquisitions: 2, contended: 0 });
    expect(row.hold_fraction).to.be.closeTo(1, 1e-12);
  });

  it('an rw-semaphore is held while any reader is in: overlapping readers count once', () => {
    const sim = new Simulation();
    const rw = new RwLock(sim, 's->lock');
    const reader = (start: number, hold: number) =>
      sim.process(function* () {
        yield sim.timeout(start);
        yield rw.readLock();
        yield sim.timeout(hold);
        rw.readUnlock();
      });
    reader(0, 30_000); // 0-30
    reader(10_000, 30_000); // 10-40: union with the first is 0-40
    sim.process(function* () {
      yield sim.timeout(60_000);
      yield rw.writeLock(); // 60-80
      yield sim.timeout(20_000);
      rw.writeUnlock();
      yield sim.timeout(20_000);
    });
    sim.run();
    const [row] = lockReport(sim, sim.now);
    expect(sim.now).to.equal(100_000);
    expect(row).to.include({ kind: 'rwsem', acquisitions: 3, contended: 0 });
    expect(row.hold_fraction).to.be.closeTo(0.6, 1e-12);
  });

  it('utilisation is the time the lock was held, whether its waiters spin or sleep', () => {
    for (const spinOnOwner of [false, true]) {
      const sim = new Simulation({ seed: 3 });
      const cpus = new CpuSet(sim, { cores: 4, wakeupNs: 2_000, contextSwitchNs: 500 });
      const m = new Mutex(sim, 'm', { spinOnOwner });
      const rng = sim.rng('lock-report-test');
      let held = 0; // measured here, independently of the lock's own statistics
      for (let i = 0; i < 4; i++) {
        const t = cpus.thread(`t${i}`, { pin: i });
        t.spawn(function* () {
          for (let k = 0; k < 50; k++) {
            yield t.exec(1_000 + Math.floor(rng.random() * 4_000));
            yield m.lock();
            const from = sim.now;
            yield t.exec(500 + Math.floor(rng.random() * 2_000));
            if (k % 5 === 0) yield sim.timeout(3_000); // sometimes the holder sleeps
            held += sim.now - from;
            m.unlock();
          }
        });
      }
      sim.run();
      const [row] = lockReport(sim, sim.now);
      // Hand-off to a sleeper: the lock is the sleeper's from the release, before it runs.
      // So held (from the lock's view) >= held (from the holders' view); with spinning the gap
      // is only the sleepers' wakeups.
      const lockHeld = row.hold_fraction * sim.now;
      expect(lockHeld).to.be.at.least(held);
      expect(row.acquisitions).to.equal(200);
      if (spinOnOwner) expect(m.spins).to.be.greaterThan(0);
      // Each contended hand-off to a sleeper adds at most one wakeup and one context switch.
      expect(lockHeld - held).to.be.at.most((row.contended - m.spins) * (2_000 + 500) + 1e-6);
    }
  });
});
