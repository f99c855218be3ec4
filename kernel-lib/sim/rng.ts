// Random numbers. Every stream is named and derived from the run's seed, so adding a
// component (a new stream) never changes the numbers another component draws.
import seedrandom from 'seedrandom';

/** One named, seeded stream of random variates. Generator: seedrandom's Alea. */
export class RandomStream {
  private readonly next: () => number;
  /** Second normal variate of the last Box-Muller pair, or NaN. */
  private spare = NaN;

  constructor(
    readonly seed: number | string,
    readonly name: string,
  ) {
    this.next = seedrandom.alea(`dmsim:${seed}:${name}`);
  }

  /** Uniform on [0, 1). */
  random(): number {
    return this.next();
  }

  /** Uniform on [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer on [lo, hi] (both included). */
  integer(lo: number, hi: number): number {
    return lo + Math.floor((hi - lo + 1) * this.next());
  }

  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate: number): number {
    // 1 - u is in (0, 1], so the logarithm is finite.
    return -Math.log(1 - this.next()) / rate;
  }

  /** Normal (Gaussian), Box-Muller with the spare kept. */
  normal(mean = 0, stddev = 1): number {
    let z = this.spare;
    if (z === z) {
      this.spare = NaN;
    } else {
      const u = 1 - this.next();
      const v = this.next();
      const r = Math.sqrt(-2 * Math.log(u));
      z = r * Math.cos(2 * Math.PI * v);
      this.spare = r * Math.sin(2 * Math.PI * v);
    }
    return mean + stddev * z;
  }

  /** Lognormal: exp of a normal with parameters mu and sigma. */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Pareto (type I) with shape alpha and scale xm: P(X > x) = (xm/x)^alpha. */
  pareto(alpha: number, xm = 1): number {
    return xm / Math.pow(1 - this.next(), 1 / alpha);
  }

  /** Picks an element uniformly. */
  choice<T>(items: readonly T[]): T {
    return items[Math.floor(items.length * this.next())];
  }
}

/**
 * Zipf over ranks 1..n with exponent s (P(k) ∝ k^-s), by inverting a precomputed CDF:
 * O(log n) per draw, exact for any s > 0. fio's zipf:theta is s here.
 */
export class ZipfDistribution {
  private readonly cdf: Float64Array;

  constructor(
    readonly n: number,
    readonly s: number,
  ) {
    if (!(n >= 1 && Number.isInteger(n))) throw new RangeError(`zipf: n must be a positive integer, got ${n}`);
    if (!(s > 0)) throw new RangeError(`zipf: exponent must be > 0, got ${s}`);
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 1; k <= n; k++) {
      sum += Math.pow(k, -s);
      this.cdf[k - 1] = sum;
    }
    for (let k = 0; k < n; k++) this.cdf[k] /= sum;
  }

  /** A rank in 1..n. */
  sample(rng: RandomStream): number {
    const u = rng.random();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo + 1;
  }
}
