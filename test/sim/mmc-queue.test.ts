// The M/M/c model the getting-started notebook sweeps: theory by hand, the simulation against
// it, determinism in the seed, and clear errors for bad parameters.
import { expect } from 'chai';
import { erlangC, mmcPoint, mmcTheoryWait, simulateMmcWait } from '../../kernel-lib/sim/mmc-queue.js';

describe('sim/mmc-queue', () => {
  it('theory: M/M/1 wait is rho/(mu - lambda); Erlang C for c = 2, a = 1 is 1/3', () => {
    // 1 ms service at rho 0.5: Wq = 0.5 / (1 - 0.5) ms = 1 ms.
    expect(mmcTheoryWait({ servers: 1, rho: 0.5, serviceTimeNs: 1e6 })).to.be.closeTo(1e6, 1e-6);
    expect(erlangC(2, 1)).to.be.closeTo(1 / 3, 1e-12);
    // c = 2, rho = 0.5: P(wait) 1/3, Wq = (1/3) / (2 mu - lambda) = (1/3) / (1 per ms) = 333.3 µs.
    expect(mmcTheoryWait({ servers: 2, rho: 0.5, serviceTimeNs: 1e6 })).to.be.closeTo(1e6 / 3, 1e-6);
  });

  it('the simulated wait is within 5% of Erlang C at rho 0.5 with 200,000 customers (c = 2)', function () {
    this.timeout(0);
    const p = { servers: 2, rho: 0.5, serviceTimeNs: 1e6, customers: 200_000 };
    const simulated = simulateMmcWait(p, 7);
    expect(Math.abs(simulated / mmcTheoryWait(p) - 1)).to.be.lessThan(0.05);
  });

  it('mmcPoint: same seed same row, another seed another row', () => {
    const params = { servers: 1, rho: 0.7, serviceTimeNs: 1e6, customers: 2000 };
    const a = mmcPoint(params, 1);
    expect(mmcPoint(params, 1)).to.deep.equal(a);
    expect(mmcPoint(params, 2).simulated_us).to.not.equal(a.simulated_us);
    expect(a.theory_us).to.be.closeTo(2333.333, 1e-3);
    expect(a.error_pct).to.be.closeTo((100 * (a.simulated_us - a.theory_us)) / a.theory_us, 1e-9);
  });

  it('mmcPoint names a bad or unknown parameter', () => {
    expect(() => mmcPoint({ servers: 1, rho: 1.2, serviceTimeNs: 1e6, customers: 10 }, 1)).to.throw(/'rho' must be a utilisation between 0 and 1/);
    expect(() => mmcPoint({ servers: 0, rho: 0.5, serviceTimeNs: 1e6, customers: 10 }, 1)).to.throw(/'servers' must be a positive integer, got 0/);
    expect(() => mmcPoint({ servers: 1, rho: 0.5, serviceTimeNs: 1e6, customers: 10, seed: 3 }, 1)).to.throw(/unknown parameter 'seed'/);
  });
});
