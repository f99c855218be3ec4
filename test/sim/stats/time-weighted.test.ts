import { expect } from 'chai';
import { TimeWeighted } from '../../../kernel-lib/sim/stats/time-weighted.js';

describe('sim/stats/time-weighted', () => {
  it('averages a level over the time it held it, and keeps the maximum', () => {
    const clock = { now: 0 };
    const w = new TimeWeighted(clock);
    w.set(2); // level 2 over [0, 10)
    clock.now = 10;
    w.add(2); // level 4 over [10, 15)
    clock.now = 15;
    w.set(0); // level 0 over [15, 20)
    clock.now = 20;
    expect(w.mean).to.be.closeTo((2 * 10 + 4 * 5) / 20, 1e-12);
    expect(w.max).to.equal(4);
  });

  it('reset starts a new measurement from the current level', () => {
    const clock = { now: 0 };
    const w = new TimeWeighted(clock, 3);
    clock.now = 100;
    w.reset();
    clock.now = 110;
    w.set(1);
    clock.now = 120;
    expect(w.mean).to.be.closeTo((3 * 10 + 1 * 10) / 20, 1e-12);
    expect(w.max).to.equal(3);
  });
});
