// Same seed, same bytes out; another seed, other numbers; adding a stream changes nothing else.
import { expect } from 'chai';
import { CpuSet, LatencyHistogram, Mutex, type Request, Resource, Simulation } from '../../kernel-lib/sim/index.js';

function model(seed: number, extraStream: boolean): string {
  const sim = new Simulation({ seed });
  const cpus = new CpuSet(sim, { cores: 2, contextSwitchNs: 300, wakeupNs: 500 });
  const disk = new Resource(sim, { capacity: 4, name: 'disk' });
  const lock = new Mutex(sim, 'lock');
  const lat = new LatencyHistogram();
  if (extraStream) sim.rng('a-new-component').random();
  for (let j = 0; j < 3; j++) {
    const t = cpus.thread(`job${j}`);
    const rng = sim.rng(`job${j}`);
    t.spawn(function* () {
      for (let i = 0; i < 2000; i++) {
        const start = sim.now;
        yield t.exec(rng.uniform(500, 1500));
        yield lock.lock();
        yield t.exec(200);
        lock.unlock();
        const tok = (yield disk.request()) as Request;
        yield sim.timeout(rng.exponential(1 / 20_000));
        disk.release(tok);
        lat.record(sim.now - start);
      }
    });
  }
  sim.run();
  return JSON.stringify({
    now: sim.now,
    events: sim.eventsProcessed,
    lat: lat.summary(),
    lock: lock.stats,
    disk: { util: disk.utilization, q: disk.queue.mean, wait: disk.waitTime },
    cpu: cpus.utilization(),
  });
}

describe('sim determinism', () => {
  it('the same seed gives byte-identical statistics', () => {
    expect(model(42, false)).to.equal(model(42, false));
  });

  it('another seed gives different statistics', () => {
    expect(model(42, false)).to.not.equal(model(43, false));
  });

  it('drawing from a new named stream does not change any other stream', () => {
    expect(model(42, true)).to.equal(model(42, false));
  });
});
