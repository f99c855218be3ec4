import { expect } from 'chai';
import { Simulation, SimulationError } from '../../kernel-lib/sim/index.js';

describe('sim/event', () => {
  it('allOf waits for every event and anyOf for the first', () => {
    const sim = new Simulation();
    const times: number[] = [];
    sim.process(function* () {
      const a = sim.timeout(5, 'a');
      const b = sim.timeout(9, 'b');
      const first = (yield sim.anyOf([a, b])) as Map<unknown, unknown>;
      times.push(sim.now);
      expect([...first.values()]).to.deep.equal(['a']);
      const both = (yield sim.allOf([a, b])) as Map<unknown, unknown>;
      times.push(sim.now);
      expect([...both.values()]).to.deep.equal(['a', 'b']);
    });
    sim.run();
    expect(times).to.deep.equal([5, 9]);
  });

  it('a failed event throws into the waiting process', () => {
    const sim = new Simulation();
    const ev = sim.event();
    let caught = '';
    sim.process(function* () {
      try {
        yield ev;
      } catch (e) {
        caught = (e as Error).message;
      }
    });
    sim.process(function* () {
      yield sim.timeout(1);
      ev.fail(new Error('EIO'));
    });
    sim.run();
    expect(caught).to.equal('EIO');
  });

  it('triggering an event twice is refused', () => {
    const sim = new Simulation();
    const ev = sim.event();
    ev.succeed(1);
    expect(() => ev.succeed(2)).to.throw(SimulationError, /already been triggered/);
  });
});
