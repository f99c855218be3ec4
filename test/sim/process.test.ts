import { expect } from 'chai';
import { Interrupt, Simulation, SimulationError } from '../../kernel-lib/sim/index.js';

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
});
