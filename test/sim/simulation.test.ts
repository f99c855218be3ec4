import { expect } from 'chai';
import { MAX_TIME, type Process, Simulation, SimulationError } from '../../kernel-lib/sim/index.js';

describe('sim/simulation', () => {
  it('runs events at equal times in the order they were scheduled', () => {
    const sim = new Simulation();
    const order: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      sim.process(function* () {
        yield sim.timeout(10);
        order.push(name);
        yield sim.timeout(0);
        order.push(name + '2');
      });
    }
    sim.run();
    expect(order).to.deep.equal(['a', 'b', 'c', 'a2', 'b2', 'c2']);
    expect(sim.now).to.equal(10);
  });

  it('orders by time first, then scheduling order, across heap and same-time items', () => {
    const sim = new Simulation();
    const order: number[] = [];
    sim.process(function* () {
      // Scheduled first for t=5, then a zero-delay chain at t=5 scheduled later must follow it.
      const late = sim.timeout(5, 1);
      late.then(() => order.push(1));
      yield sim.timeout(5);
      order.push(2);
      const now = sim.event<number>();
      now.then(() => order.push(3));
      now.succeed(3);
    });
    sim.run();
    expect(order).to.deep.equal([1, 2, 3]);
  });

  it('run({until: t}) stops before events at t and leaves the clock at t', () => {
    const sim = new Simulation();
    let fired = 0;
    sim.process(function* () {
      yield sim.timeout(100);
      fired++;
    });
    sim.run({ until: 100 });
    expect(fired).to.equal(0);
    expect(sim.now).to.equal(100);
    sim.run();
    expect(fired).to.equal(1);
  });

  it('run({until: event}) returns the event value', () => {
    const sim = new Simulation();
    const p = sim.process(function* () {
      yield sim.timeout(7);
      return 'done';
    });
    expect(sim.run({ until: p })).to.equal('done');
    expect(sim.now).to.equal(7);
  });

  it('a process returns a value to the process that joins it', () => {
    const sim = new Simulation();
    let got: unknown;
    sim.process(function* parent() {
      const child: Process<number> = sim.process(function* () {
        yield sim.timeout(3);
        return 42;
      });
      got = yield child;
    });
    sim.run();
    expect(got).to.equal(42);
  });

  it('an error nobody handles ends the run and names the process', () => {
    const sim = new Simulation();
    sim.process(function* flusher() {
      yield sim.timeout(1);
      throw new Error('boom');
    });
    expect(() => sim.run()).to.throw(/boom \(in process flusher\)/);
  });

  describe('bad input', () => {
    it('a negative delay names the process and the value', () => {
      const sim = new Simulation();
      sim.process(function* kcopyd() {
        yield sim.timeout(-5);
      });
      expect(() => sim.run()).to.throw(SimulationError, /process kcopyd: delay must be a non-negative number of ns, got -5/);
    });

    it('NaN is not a delay', () => {
      const sim = new Simulation();
      expect(() => sim.timeout(NaN)).to.throw(SimulationError, /got NaN/);
    });

    it('a time beyond the representable range is refused, naming process and value', () => {
      const sim = new Simulation();
      sim.process(function* writer() {
        yield sim.timeout(MAX_TIME + 1e6);
      });
      expect(() => sim.run()).to.throw(SimulationError, /process writer: delay 9007199255740992 ns .* beyond the representable time range/);
    });

    it('yielding something that is not an event names the process and the value', () => {
      const sim = new Simulation();
      sim.process(function* mapper(): Generator<any, void, any> {
        yield 42 as any;
      });
      expect(() => sim.run()).to.throw(SimulationError, /process mapper yielded 42, which is not an event/);
    });

    it('the yield error can be caught inside the process', () => {
      const sim = new Simulation();
      let msg = '';
      sim.process(function* p(): Generator<any, void, any> {
        try {
          yield 'oops' as any;
        } catch (e) {
          msg = (e as Error).message;
        }
      });
      sim.run();
      expect(msg).to.match(/yielded "oops"/);
    });

    it('run(until) in the past is refused', () => {
      const sim = new Simulation();
      sim.run({ until: 10 });
      expect(() => sim.run({ until: 5 })).to.throw(SimulationError, /not before now/);
    });
  });
});
