// Seek time as a function of distance in cylinders, in the Ruemmler-Wilkes / DiskSim style
// fitted from the three numbers a data sheet gives (Lee's three-point curve, as DiskSim's
// "seek formula" uses): t(d) = t2t + a * sqrt(d - 1) + b * (d - 1) for d >= 1, t(0) = 0.
// The square-root term dominates short seeks (the arm accelerates then decelerates), the
// linear term long ones (coasting at top speed). a and b are solved so that t(1) is the
// track-to-track time, t(C - 1) the full-stroke time, and the mean over random pairs of
// cylinders (distance density 2(C - d)/C^2) the average seek time.

export interface SeekParams {
  track_to_track_ns: number;
  avg_seek_ns: number;
  full_stroke_ns: number;
}

export class SeekCurve {
  readonly a: number;
  readonly b: number;

  constructor(
    readonly p: SeekParams,
    readonly cylinders: number,
  ) {
    const C = cylinders;
    // Means of sqrt(d - 1) and (d - 1) over random pairs, by the midpoint rule.
    const steps = 4096;
    let mSqrt = 0;
    let mLin = 0;
    let mass = 0;
    for (let i = 0; i < steps; i++) {
      const d = 1 + ((i + 0.5) / steps) * (C - 1);
      const w = C - d;
      mSqrt += w * Math.sqrt(d - 1);
      mLin += w * (d - 1);
      mass += w;
    }
    mSqrt /= mass;
    mLin /= mass;
    const t2t = p.track_to_track_ns;
    // Solve [mSqrt mLin; sqrt(C-2) C-2] [a b]' = [avg - t2t; full - t2t].
    const r1 = p.avg_seek_ns - t2t;
    const r2 = p.full_stroke_ns - t2t;
    const s2 = Math.sqrt(C - 2);
    const l2 = C - 2;
    const det = mSqrt * l2 - mLin * s2;
    this.a = (r1 * l2 - mLin * r2) / det;
    this.b = (mSqrt * r2 - s2 * r1) / det;
    if (!(this.a >= 0 && this.b >= 0)) {
      throw new Error(
        `seek curve: track-to-track ${t2t} ns, average ${p.avg_seek_ns} ns and full stroke ${p.full_stroke_ns} ns admit no increasing curve over ${C} cylinders`,
      );
    }
  }

  /** Seek time for a move of `d` cylinders, ns. */
  seekNs(d: number): number {
    if (d <= 0) return 0;
    const x = d - 1;
    return this.p.track_to_track_ns + this.a * Math.sqrt(x) + this.b * x;
  }
}
