import { expect } from 'chai';
import { HddGeometry } from '../../../kernel-lib/block/devices/hdd-geometry.js';
import { SeekCurve } from '../../../kernel-lib/block/devices/hdd-seek.js';
import { P } from './hdd-profile.js';

describe('block/devices/hdd-seek (seek curve)', () => {
  const g = new HddGeometry(P);
  const s = new SeekCurve(P, g.cylinders);

  it('passes through track-to-track and full-stroke times', () => {
    expect(s.seekNs(0)).to.equal(0);
    expect(s.seekNs(1)).to.equal(P.track_to_track_ns);
    expect(s.seekNs(g.cylinders - 1)).to.be.closeTo(P.full_stroke_ns, 1);
  });

  it('averages avg_seek over random cylinder pairs (Monte Carlo, 1%)', () => {
    let sum = 0;
    let x = 12345;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      x = (x * 48271) % 2147483647;
      const a = x % g.cylinders;
      x = (x * 48271) % 2147483647;
      const b = x % g.cylinders;
      sum += s.seekNs(Math.abs(a - b));
    }
    expect(sum / n).to.be.closeTo(P.avg_seek_ns, P.avg_seek_ns * 0.01);
  });

  it('rejects data-sheet numbers that admit no increasing curve', () => {
    expect(() => new SeekCurve({ track_to_track_ns: 1e6, avg_seek_ns: 2e6, full_stroke_ns: 30e6 }, 100_000)).to.throw(/admit no increasing curve/);
  });
});
