import { expect } from 'chai';
import { lockReport } from '../../kernel-lib/sim/lock-report.js';
import { Mutex, RwLock, Simulation, SpinLock } from '../../kernel-lib/sim/index.js';

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
});
