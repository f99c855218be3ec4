// Count, mean, variance, min and max of a stream of observations, in constant memory.
// Welford's update keeps the variance accurate over millions of samples.

export class Tally {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  private m = 0;
  private s = 0;

  add(x: number): void {
    const n = ++this.count;
    this.sum += x;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    const d = x - this.m;
    this.m += d / n;
    this.s += d * (x - this.m);
  }

  get mean(): number {
    return this.count > 0 ? this.m : NaN;
  }

  /** Sample variance (n - 1 in the denominator). */
  get variance(): number {
    return this.count > 1 ? this.s / (this.count - 1) : NaN;
  }

  get stddev(): number {
    return Math.sqrt(this.variance);
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
    this.m = 0;
    this.s = 0;
  }

  toJSON(): { count: number; mean: number; stddev: number; min: number; max: number } {
    return { count: this.count, mean: this.mean, stddev: this.stddev, min: this.min, max: this.max };
  }
}
