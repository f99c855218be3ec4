// A token bucket, as cloud block stores throttle a volume (and as blk-throttle and
// dm-ioband do on a host): tokens accrue at `rate` per second up to `depth` (the burst
// credit); an I/O takes its tokens when it arrives. When the bucket cannot cover it, the
// level goes negative (a debt) and the I/O is admitted when the debt is repaid, so takers
// are served in arrival order and, over any interval T, at most depth + rate x T tokens are
// handed out: the long-run rate is exactly the cap.
export class TokenBucket {
  /** Tokens in the bucket at `lastNs`; negative while admitted I/Os wait for their tokens. */
  private level: number;
  private lastNs = 0;
  private readonly perNs: number;

  /**
   * rate: tokens per second (0 = unlimited: take() never waits); depth: the most the bucket
   * holds (the burst credit), tokens. The bucket starts full, as a new volume's credit does.
   */
  constructor(
    readonly rate: number,
    readonly depth: number,
  ) {
    if (!(rate >= 0) || !(depth >= 0)) throw new Error(`token bucket: rate and depth must be >= 0 (rate ${rate}, depth ${depth})`);
    this.level = depth;
    this.perNs = rate / 1e9;
  }

  /** Takes `amount` tokens at `nowNs`; returns when they are covered (ns, >= nowNs). */
  take(nowNs: number, amount: number): number {
    if (this.perNs === 0) return nowNs;
    this.level = Math.min(this.depth, this.level + (nowNs - this.lastNs) * this.perNs);
    this.lastNs = nowNs;
    this.level -= amount;
    return this.level >= 0 ? nowNs : nowNs + -this.level / this.perNs;
  }

  /** Tokens available at `nowNs` (negative = debt still to repay), without taking any. */
  peek(nowNs: number): number {
    if (this.perNs === 0) return Infinity;
    return Math.min(this.depth, this.level + (nowNs - this.lastNs) * this.perNs);
  }
}
