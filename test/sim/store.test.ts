import { expect } from 'chai';
import { Simulation, Store } from '../../kernel-lib/sim/index.js';

describe('sim/store', () => {
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
});
