import { expect } from 'chai';
import { CpuSet, Mutex, Simulation, SimulationError, SpinLock } from '../../kernel-lib/sim/index.js';

/** N threads each burning `work` ns of CPU in 1 µs bursts; returns the makespan. */
function burn(cores: number, threads: number, work: number): { makespan: number; util: number[] } {
  const sim = new Simulation();
  const cpus = new CpuSet(sim, { cores });
  for (let i = 0; i < threads; i++) {
    const t = cpus.thread(`burner/${i}`);
    t.spawn(function* () {
      for (let done = 0; done < work; done += 1000) yield t.exec(1000);
    });
  }
  sim.run();
  return { makespan: sim.now, util: cpus.utilization() };
}

describe('sim/cpu', () => {
  it('N CPU-bound threads on M cores get min(N, M) cores of throughput', () => {
    const work = 60_000_000; // 60 ms each, in 1 µs bursts: many 3 ms time slices
    for (const [n, m] of [
      [1, 4],
      [2, 4],
      [4, 4],
      [8, 4],
      [3, 2],
    ]) {
      const { makespan } = burn(m, n, work);
      const throughputCores = (n * work) / makespan;
      // Exact when N <= M; with N > M the last time slice may leave a core idle.
      expect(throughputCores).to.be.closeTo(Math.min(n, m), n <= m ? 1e-9 : 0.05 * Math.min(n, m), `${n} threads on ${m} cores`);
    }
  });

  it('a sleeping thread gives its core up, and pays wakeup and switch costs to come back', () => {
    const sim = new Simulation();
    const cpus = new CpuSet(sim, { cores: 1, wakeupNs: 100, contextSwitchNs: 50 });
    const a = cpus.thread('a');
    const b = cpus.thread('b');
    const log: string[] = [];
    a.spawn(function* () {
      yield a.exec(1000); // starts at 0: wakeup 100 + switch 50 + 1000
      log.push(`a ran until ${sim.now}`);
      yield sim.timeout(5000); // sleeps: core free for b
      yield a.exec(1000);
      log.push(`a again until ${sim.now}`);
    });
    b.spawn(function* () {
      yield b.exec(2000);
      log.push(`b ran until ${sim.now}`);
    });
    sim.run();
    // a: 0 + 150 + 1000 = 1150. b then waits for the core: 1150 + 150 + 2000 = 3300.
    // a wakes at 6150, core free: 6150 + 150 + 1000 = 7300.
    expect(log).to.deep.equal(['a ran until 1150', 'b ran until 3300', 'a again until 7300']);
    expect(cpus.utilization()[0]).to.be.closeTo((1150 + 2150 + 1150) / 7300, 1e-9);
  });

  it('a thread waiting on a mutex sleeps; a thread waiting on a spinlock keeps burning its core', () => {
    function contend(spin: boolean): number {
      const sim = new Simulation();
      const cpus = new CpuSet(sim, { cores: 2 });
      const lock = spin ? new SpinLock(sim) : new Mutex(sim);
      const holder = cpus.thread('holder', { pin: 0 });
      const waiter = cpus.thread('waiter', { pin: 1 });
      holder.spawn(function* () {
        yield lock.lock();
        yield holder.exec(1000);
        yield sim.timeout(9000); // holds the lock while sleeping
        lock.unlock();
      });
      waiter.spawn(function* () {
        yield waiter.exec(1);
        yield lock.lock();
        yield waiter.exec(1);
        lock.unlock();
      });
      sim.run();
      return cpus.cores[1].busyNs;
    }
    expect(contend(false)).to.be.lessThan(10);
    expect(contend(true)).to.be.greaterThan(9_000);
  });

  it('interrupt time is busy time and delays the running thread', () => {
    const sim = new Simulation();
    const cpus = new CpuSet(sim, { cores: 1 });
    const t = cpus.thread('t');
    t.spawn(function* () {
      yield t.exec(1000);
      cpus.irq(0, 300);
      yield t.exec(1000);
    });
    sim.run();
    expect(sim.now).to.equal(2300);
    expect(cpus.cores[0].busyNs).to.equal(2300);
    // On an idle core it is busy time of its own.
    cpus.irq(0, 500);
    expect(cpus.cores[0].busyNs).to.equal(2800);
  });

  it('bad pins and negative exec times name the thread', () => {
    const sim = new Simulation();
    const cpus = new CpuSet(sim, { cores: 2 });
    expect(() => cpus.thread('x', { pin: 5 })).to.throw(SimulationError, /thread x: pin must be a core index in 0..1, got 5/);
    const t = cpus.thread('y');
    expect(() => t.exec(-1)).to.throw(SimulationError, /thread y: exec time must be >= 0 ns, got -1/);
  });
});
