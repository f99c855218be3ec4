// Latency histograms with percentiles, on HdrHistogram (hdr-histogram-js): constant memory,
// 3 significant digits, any range of nanoseconds. Percentile keys follow fio's JSON
// ("99.000000"), so results drop into fio-reading tools unchanged.
import * as hdr from 'hdr-histogram-js';

/** fio's default percentile_list. */
export const FIO_PERCENTILES = [1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99];

export interface LatencySummary {
  min: number;
  max: number;
  mean: number;
  stddev: number;
  N: number;
  percentile: Record<string, number>;
}

export class LatencyHistogram {
  private readonly h: hdr.Histogram;
  private sum = 0;
  private sumSq = 0;
  private lo = Infinity;
  private hi = 0;

  constructor() {
    this.h = hdr.build({ bitBucketSize: 32, numberOfSignificantValueDigits: 3, autoResize: true, useWebAssembly: false });
  }

  /** Records one value in ns (rounded to an integer; negative values are a model bug). */
  record(ns: number): void {
    if (!(ns >= 0)) throw new RangeError(`latency must be a non-negative number of ns, got ${ns}`);
    const v = Math.round(ns);
    this.h.recordValue(v);
    this.sum += ns;
    this.sumSq += ns * ns;
    if (ns < this.lo) this.lo = ns;
    if (ns > this.hi) this.hi = ns;
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** Exact mean of the recorded values (not of the buckets). */
  get mean(): number {
    return this.count > 0 ? this.sum / this.count : NaN;
  }

  get stddev(): number {
    const n = this.count;
    if (n < 2) return 0;
    const m = this.sum / n;
    return Math.sqrt(Math.max(0, (this.sumSq - n * m * m) / (n - 1)));
  }

  get min(): number {
    return this.count > 0 ? this.lo : NaN;
  }

  get max(): number {
    return this.count > 0 ? this.hi : NaN;
  }

  /** Value at a percentile in (0, 100], within the histogram's 3-digit precision. */
  percentile(p: number): number {
    return this.h.getValueAtPercentile(p);
  }

  /** fio's clat_ns/lat_ns block: {min, max, mean, stddev, N, percentile{"99.000000": v}}. */
  summary(percentiles: readonly number[] = FIO_PERCENTILES): LatencySummary {
    const percentile: Record<string, number> = {};
    for (const p of percentiles) percentile[p.toFixed(6)] = this.count > 0 ? this.percentile(p) : 0;
    return { min: this.count ? this.min : 0, max: this.count ? this.max : 0, mean: this.count ? this.mean : 0, stddev: this.stddev, N: this.count, percentile };
  }

  merge(other: LatencyHistogram): void {
    this.h.add(other.h);
    this.sum += other.sum;
    this.sumSq += other.sumSq;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
  }

  reset(): void {
    this.h.reset();
    this.sum = 0;
    this.sumSq = 0;
    this.lo = Infinity;
    this.hi = 0;
  }
}
