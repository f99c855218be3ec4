import { expect } from 'chai';
import { Interrupt, type ProcessGenerator, type SimEvent, Simulation, SimulationError } from '../../kernel-lib/sim/index.js';

describe('sim/process', () => {
  it('an interrupt is thrown into the process at the current time, with its cause', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const sleeper = sim.process(function* () {
      try {
        yield sim.timeout(1000);
        log.push('woke normally');
      } catch (e) {
        expect(e).to.be.instanceOf(Interrupt);
        log.push(`interrupted at ${sim.now} by ${String((e as Interrupt).cause)}`);
      }
      yield sim.timeout(5);
      log.push(`done at ${sim.now}`);
    });
    sim.process(function* () {
      yield sim.timeout(10);
      sleeper.interrupt('flush');
    });
    sim.run();
    expect(log).to.deep.equal(['interrupted at 10 by flush', 'done at 15']);
  });

  it('an interrupted process no longer waits on its old event', () => {
    const sim = new Simulation();
    const ev = sim.event();
    let resumed = 0;
    const p = sim.process(function* () {
      try {
        yield ev;
      } catch {
        /* interrupted */
      }
      resumed++;
      yield sim.timeout(100);
    });
    sim.process(function* () {
      yield sim.timeout(1);
      p.interrupt();
      yield sim.timeout(1);
      ev.succeed();
    });
    sim.run();
    expect(resumed).to.equal(1);
  });

  it('an ended process cannot be interrupted', () => {
    const sim = new Simulation();
    const p = sim.process(function* quick() {
      yield sim.timeout(1);
    });
    sim.run();
    expect(() => p.interrupt()).to.throw(SimulationError, /process quick has ended/);
  });

  it('yielding an already-processed event continues in the same instant', () => {
    const sim = new Simulation();
    const t = sim.timeout(5);
    let at = -1;
    sim.process(function* () {
      yield sim.timeout(10);
      yield t; // processed at 5
      at = sim.now;
    });
    sim.run();
    expect(at).to.equal(10);
  });

  it('a hand-written iterator runs through its own next, with the values passed in', () => {
    // Process keeps the `next` it found at the start (docs/engine.md, "Speed"): an iterator
    // that is not a generator must still be driven by its own methods, values passed in.
    const sim = new Simulation();
    const seen: unknown[] = [];
    let k = 0;
    const iter = {
      next(value?: unknown): IteratorResult<SimEvent<any>, string> {
        seen.push(value);
        k++;
        if (k <= 2) return { value: sim.timeout(10, `t${k}`), done: false };
        return { value: 'done', done: true };
      },
      throw(err: unknown): IteratorResult<SimEvent<any>, string> {
        throw err;
      },
      return(): IteratorResult<SimEvent<any>, string> {
        return { value: 'returned', done: true };
      },
      [Symbol.iterator]() {
        return this;
      },
    } as unknown as ProcessGenerator<string>;
    const p = sim.process(iter, 'manual');
    expect(sim.run({ until: p })).to.equal('done');
    expect(seen).to.deep.equal([undefined, 't1', 't2']);
    expect(sim.now).to.equal(20);
  });

  it('processes of many generator functions interleave by time and scheduling order', () => {
    // One resume site serves every generator function (a model has dozens): each must get
    // its own values back, in (time, scheduling) order.
    const sim = new Simulation();
    const log: string[] = [];
    // Each closure of a generator function has a prototype of its own, so these are twelve
    // generator shapes at that site, more than V8's polymorphic limit of four.
    const makers = Array.from({ length: 12 }, (_, i) =>
      function* () {
        const got = (yield sim.timeout(i % 3, i)) as number;
        log.push(`${sim.now}:${got}`);
      },
    );
    for (const m of makers) sim.process(m);
    sim.run();
    expect(log).to.deep.equal(['0:0', '0:3', '0:6', '0:9', '1:1', '1:4', '1:7', '1:10', '2:2', '2:5', '2:8', '2:11']);
  });
});
