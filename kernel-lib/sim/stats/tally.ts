// Count, mean, variance, min and max of a stream of observations, in constant memory.
// Sums are kept of the values shifted by the first one, which keeps the variance accurate
// (no catastrophic cancellation when the mean is large) without a division per sample.

export class Tally {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  private shift = NaN;
  private s1 = 0;
  private s2 = 0;

  add(x: number): void {
    if (this.count++ === 0) this.shift = x;
    this.sum += x;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    const d = x - this.shift;
    this.s1 += d;
    this.s2 += d * d;
  }

  get mean(): number {
    return this.count > 0 ? this.sum / this.count : NaN;
  }

  /** Sample variance (n - 1 in the denominator). */
  get variance(): number {
    const n = this.count;
    return n > 1 ? Math.max(0, (this.s2 - (this.s1 * this.s1) / n) / (n - 1)) : NaN;
  }

  get stddev(): number {
    return Math.sqrt(this.variance);
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
    this.shift = NaN;
    this.s1 = 0;
    this.s2 = 0;
  }

  toJSON(): { count: number; mean: number; stddev: number; min: number; max: number } {
    return { count: this.count, mean: this.mean, stddev: this.stddev, min: this.min, max: this.max };
  }
}
