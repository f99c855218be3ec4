import { expect } from 'chai';
import { Container, Simulation, SimulationError, Store } from '../../kernel-lib/sim/index.js';

describe('sim/store and container', () => {
  it('a store passes messages in order and blocks a putter while full', () => {
    const sim = new Simulation();
    const ch = new Store<number>(sim, { capacity: 2 });
    const got: string[] = [];
    const putDone: number[] = [];
    sim.process(function* producer() {
      for (let i = 0; i < 4; i++) {
        yield ch.put(i);
        putDone.push(sim.now);
      }
    });
    sim.process(function* consumer() {
      yield sim.timeout(10);
      for (let i = 0; i < 4; i++) {
        const v = (yield ch.get()) as number;
        got.push(`${v}@${sim.now}`);
        yield sim.timeout(5);
      }
    });
    sim.run();
    expect(got).to.deep.equal(['0@10', '1@15', '2@20', '3@25']);
    // two fit at once; the third waits for the first get (t=10), the fourth for the second (t=15)
    expect(putDone).to.deep.equal([0, 0, 10, 15]);
  });

  it('a getter waiting on an empty store gets the next item directly', () => {
    const sim = new Simulation();
    const ch = new Store<string>(sim);
    let got = '';
    sim.process(function* () {
      got = (yield ch.get()) as string;
    });
    sim.process(function* () {
      yield sim.timeout(3);
      yield ch.put('bio');
    });
    sim.run();
    expect(got).to.equal('bio');
    expect(sim.now).to.equal(3);
  });

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
