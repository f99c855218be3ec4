import { expect } from 'chai';
import { type Request, Resource, Simulation, SimulationError } from '../../kernel-lib/sim/index.js';

function serve(sim: Simulation, res: Resource, name: string, at: number, hold: number, log: string[], priority = 0) {
  sim.process(function* () {
    yield sim.timeout(at);
    const tok = (yield res.request(priority)) as Request;
    log.push(name);
    yield sim.timeout(hold);
    res.release(tok);
  }, name);
}

describe('sim/resource', () => {
  it('serves waiting requests in FIFO order', () => {
    const sim = new Simulation();
    const res = new Resource(sim, { capacity: 1 });
    const log: string[] = [];
    serve(sim, res, 'first', 0, 10, log);
    for (const [i, n] of ['b', 'c', 'd'].entries()) serve(sim, res, n, 1 + i, 1, log);
    sim.run();
    expect(log).to.deep.equal(['first', 'b', 'c', 'd']);
  });

  it('serves by priority (lower first), FIFO among equals', () => {
    const sim = new Simulation();
    const res = new Resource(sim, { capacity: 1, priority: true });
    const log: string[] = [];
    serve(sim, res, 'holder', 0, 10, log);
    serve(sim, res, 'low1', 1, 1, log, 5);
    serve(sim, res, 'high', 2, 1, log, 1);
    serve(sim, res, 'low2', 3, 1, log, 5);
    sim.run();
    expect(log).to.deep.equal(['holder', 'high', 'low1', 'low2']);
  });

  it('counts utilisation and queue length over time', () => {
    const sim = new Simulation();
    const res = new Resource(sim, { capacity: 2 });
    const log: string[] = [];
    // Three jobs of 10 ns at t=0 on 2 slots: busy 2 for 10 ns, 1 for 10 ns; one waits 10 ns.
    for (const n of ['a', 'b', 'c']) serve(sim, res, n, 0, 10, log);
    sim.run();
    expect(sim.now).to.equal(20);
    expect(res.utilization).to.be.closeTo((2 * 10 + 1 * 10) / 2 / 20, 1e-12);
    expect(res.queue.mean).to.be.closeTo(10 / 20, 1e-12);
    expect(res.waitTime.max).to.equal(10);
    expect(res.holdTime.mean).to.equal(10);
  });

  it('releasing twice or a foreign token names the process', () => {
    const sim = new Simulation();
    const a = new Resource(sim, { name: 'tags' });
    const b = new Resource(sim, { name: 'other' });
    sim.process(function* twice() {
      const tok = (yield a.request()) as Request;
      a.release(tok);
      a.release(tok);
    });
    expect(() => sim.run()).to.throw(SimulationError, /process twice released a request of resource tags twice/);
    const sim2 = new Simulation();
    const c = new Resource(sim2, { name: 'tags' });
    const d = new Resource(sim2, { name: 'other' });
    sim2.process(function* foreign() {
      const tok = (yield c.request()) as Request;
      d.release(tok);
    });
    expect(() => sim2.run()).to.throw(SimulationError, /process foreign released a Request, which is not a request of resource other/);
    void b;
  });

  it('a capacity that is not a positive integer is refused', () => {
    expect(() => new Resource(new Simulation(), { capacity: 0, name: 'q' })).to.throw(SimulationError, /resource q: capacity must be a positive integer, got 0/);
  });
});
