// Throughput over time in fixed bins (e.g. bytes completed per 100 ms). Bins are a growable
// Float64Array, so memory grows only with simulated time / bin width, never per event.

export class TimeSeries {
  private bins = new Float64Array(64);
  private used = 0;

  constructor(
    /** Bin width in ns. */
    readonly binNs: number,
  ) {
    if (!(binNs > 0)) throw new RangeError(`time series bin width must be > 0 ns, got ${binNs}`);
  }

  add(timeNs: number, amount: number): void {
    const i = Math.floor(timeNs / this.binNs);
    if (i >= this.bins.length) {
      let cap = this.bins.length;
      while (cap <= i) cap *= 2;
      const b = new Float64Array(cap);
      b.set(this.bins);
      this.bins = b;
    }
    this.bins[i] += amount;
    if (i + 1 > this.used) this.used = i + 1;
  }

  /** One entry per bin from time 0: start of the bin (ns), total, and rate per second. */
  points(): { t: number; total: number; perSecond: number }[] {
    const out = [];
    for (let i = 0; i < this.used; i++) {
      out.push({ t: i * this.binNs, total: this.bins[i], perSecond: this.bins[i] / (this.binNs / 1e9) });
    }
    return out;
  }
}
