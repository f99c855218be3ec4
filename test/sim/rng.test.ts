import { expect } from 'chai';
import { RandomStream, Simulation, ZipfDistribution } from '../../kernel-lib/sim/index.js';

function mean(n: number, f: () => number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += f();
  return s / n;
}

describe('sim/rng', () => {
  it('streams are named: the same name and seed repeat, other names differ', () => {
    const a = new Simulation({ seed: 1 }).rng('x');
    const b = new Simulation({ seed: 1 }).rng('x');
    const c = new Simulation({ seed: 1 }).rng('y');
    const d = new Simulation({ seed: 2 }).rng('x');
    const seq = (r: RandomStream) => [r.random(), r.random(), r.random()];
    const sa = seq(a);
    expect(seq(b)).to.deep.equal(sa);
    expect(seq(c)).to.not.deep.equal(sa);
    expect(seq(d)).to.not.deep.equal(sa);
  });

  it('variates have the right means (within 4 standard errors)', () => {
    const r = new RandomStream(9, 'variates');
    const n = 200_000;
    // exponential(rate 2): mean 0.5, sd 0.5
    expect(mean(n, () => r.exponential(2))).to.be.closeTo(0.5, (4 * 0.5) / Math.sqrt(n));
    // normal(3, 2)
    expect(mean(n, () => r.normal(3, 2))).to.be.closeTo(3, (4 * 2) / Math.sqrt(n));
    // lognormal(0, 0.5): mean exp(0.125), var (e^0.25 - 1) e^0.25
    const lnSd = Math.sqrt((Math.exp(0.25) - 1) * Math.exp(0.25));
    expect(mean(n, () => r.lognormal(0, 0.5))).to.be.closeTo(Math.exp(0.125), (4 * lnSd) / Math.sqrt(n));
    // uniform(2, 4): mean 3, sd 2/sqrt(12)
    expect(mean(n, () => r.uniform(2, 4))).to.be.closeTo(3, (4 * (2 / Math.sqrt(12))) / Math.sqrt(n));
    // pareto(alpha 3, xm 1): mean 1.5, var 3/4
    expect(mean(n, () => r.pareto(3, 1))).to.be.closeTo(1.5, 0.02);
  });

  it('integer() covers both ends and nothing outside', () => {
    const r = new RandomStream(1, 'int');
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(r.integer(3, 6));
    expect([...seen].sort()).to.deep.equal([3, 4, 5, 6]);
  });

  it('zipf frequencies follow k^-s', () => {
    const z = new ZipfDistribution(100, 1.2);
    const r = new RandomStream(5, 'zipf');
    const counts = new Array(101).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[z.sample(r)]++;
    // P(1)/P(2) = 2^1.2 = 2.297
    expect(counts[1] / counts[2]).to.be.closeTo(2 ** 1.2, 0.1);
    let h = 0;
    for (let k = 1; k <= 100; k++) h += k ** -1.2;
    expect(counts[1] / n).to.be.closeTo(1 / h, 0.005);
  });

  it('zipf refuses bad parameters', () => {
    expect(() => new ZipfDistribution(0, 1)).to.throw(RangeError, /n must be a positive integer/);
    expect(() => new ZipfDistribution(10, 0)).to.throw(RangeError, /exponent must be > 0/);
  });
});
