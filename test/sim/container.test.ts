import { expect } from 'chai';
import { Container, Simulation, SimulationError } from '../../kernel-lib/sim/index.js';

describe('sim/container', () => {
  it('a container is a level: get waits for enough, put for room, FIFO on each side', () => {
    const sim = new Simulation();
    const pages = new Container(sim, { capacity: 256, init: 10, name: 'pages' });
    const log: string[] = [];
    sim.process(function* big() {
      yield pages.get(16); // must wait: only 10
      log.push(`big@${sim.now}`);
    });
    sim.process(function* small() {
      yield sim.timeout(1);
      yield pages.get(2); // behind big, FIFO: waits too
      log.push(`small@${sim.now}`);
    });
    sim.process(function* () {
      yield sim.timeout(5);
      yield pages.put(8);
    });
    sim.run();
    expect(log).to.deep.equal(['big@5', 'small@5']);
    expect(pages.amount).to.equal(0);
  });

  it('amounts outside (0, capacity] are refused', () => {
    const c = new Container(new Simulation(), { capacity: 4, name: 'pool' });
    expect(() => c.get(5)).to.throw(SimulationError, /pool: get\(5\)/);
    expect(() => c.put(0)).to.throw(SimulationError, /pool: put\(0\)/);
  });
});
