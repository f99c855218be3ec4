// The engine against queueing theory. Each check uses a 99% confidence interval computed
// from the run (batch means), widened by nothing else: a biased engine fails these.
import { expect } from 'chai';
import { erlangC, runQueue } from './helpers/queues.js';

describe('queueing theory', () => {
  it('M/M/1: mean wait in queue matches rho/(mu - lambda), and Little\'s law holds', () => {
    const lambda = 0.5;
    const mu = 1;
    const r = runQueue({ lambda, mu, c: 1, customers: 300_000, seed: 11 });
    const theory = lambda / mu / (mu - lambda); // Wq = 1.0
    expect(Math.abs(r.wq - theory)).to.be.lessThan(r.wqHalfWidth, `Wq=${r.wq} ± ${r.wqHalfWidth}, theory ${theory}`);
    // Little's law on the queue: Lq = lambda * Wq, with Lq from the resource's time average.
    expect(Math.abs(r.lq - r.throughput * r.wq) / r.lq).to.be.lessThan(0.02);
    expect(Math.abs(r.utilization - lambda / mu)).to.be.lessThan(0.01);
  });

  it('M/M/c: mean wait matches Erlang C', () => {
    const lambda = 2.4;
    const mu = 1;
    const c = 3;
    const r = runQueue({ lambda, mu, c, customers: 300_000, seed: 5 });
    const theory = erlangC(c, lambda / mu) / (c * mu - lambda);
    expect(Math.abs(r.wq - theory)).to.be.lessThan(r.wqHalfWidth, `Wq=${r.wq} ± ${r.wqHalfWidth}, theory ${theory}`);
    expect(Math.abs(r.utilization - lambda / (c * mu))).to.be.lessThan(0.01);
  });

  it('M/D/1: mean wait matches Pollaczek-Khinchine', () => {
    const lambda = 0.7;
    const D = 1;
    const r = runQueue({ lambda, mu: 1 / D, c: 1, customers: 300_000, seed: 3, deterministic: true });
    const rho = lambda * D;
    const theory = (lambda * D * D) / (2 * (1 - rho)); // 1.1667
    expect(Math.abs(r.wq - theory)).to.be.lessThan(r.wqHalfWidth, `Wq=${r.wq} ± ${r.wqHalfWidth}, theory ${theory}`);
  });

  it('the interval is tight enough to tell M/D/1 from M/M/1', () => {
    // Guards the tests above against vacuous intervals: with exponential service the M/M/1
    // value (rho/(mu-lambda) = 2.33) lies far outside the M/D/1 interval.
    const r = runQueue({ lambda: 0.7, mu: 1, c: 1, customers: 300_000, seed: 3, deterministic: true });
    expect(Math.abs(r.wq - 0.7 / 0.3)).to.be.greaterThan(10 * r.wqHalfWidth);
  });

  it('erlangC is right on a hand-computed case', () => {
    // c = 2, a = 1: P(wait) = (a^2/2!)/(1-a/2) / (1 + a + (a^2/2!)/(1-a/2)) = 1/3.
    expect(erlangC(2, 1)).to.be.closeTo(1 / 3, 1e-12);
  });
});
