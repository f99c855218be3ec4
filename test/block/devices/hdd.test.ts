import { expect } from 'chai';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { createDevice, type Hdd } from '../../../kernel-lib/block/index.js';
import { HddGeometry } from '../../../kernel-lib/block/devices/hdd-geometry.js';
import { SeekCurve } from '../../../kernel-lib/block/devices/hdd-seek.js';
import { PROFILES } from '../../../kernel-lib/block/profiles.js';
import { runClosedLoop } from '../closed-loop.js';

const P = PROFILES['hdd-sata-2007'].params as unknown as ConstructorParameters<typeof HddGeometry>[0] & {
  avg_seek_ns: number;
  full_stroke_ns: number;
  command_overhead_ns: number;
};

describe('block/devices/hdd', () => {
  describe('geometry (zoned recording)', () => {
    const g = new HddGeometry(P);

    it('zones cover the capacity exactly, outer to inner', () => {
      expect(g.zones[0].firstLba).to.equal(0);
      expect(g.zones[g.zones.length - 1].endLba).to.equal(g.sizeSectors);
      for (let z = 1; z < g.zones.length; z++) {
        expect(g.zones[z].firstLba).to.equal(g.zones[z - 1].endLba);
        expect(g.zones[z].spt).to.be.below(g.zones[z - 1].spt);
      }
    });

    it('the outer zone holds one turn of data at outer_mbps per track', () => {
      // 78 MB/s x 8.333 ms = 650 kB = 1270 sectors per track.
      expect(g.zones[0].spt).to.equal(Math.round((78e6 * (60 / 7200)) / 512));
      const loc = g.locate(g.zones[0].spt * P.heads + 5);
      expect(loc).to.include({ zone: 0, cyl: 1, head: 0, sector: 5 });
    });

    it('a sequential transfer pays whole turns plus switches, no rotational loss', () => {
      const spt = g.zones[0].spt;
      expect(g.transferNs(0, spt)).to.be.closeTo(g.rotationNs, 1e-6);
      expect(g.transferNs(0, 2 * spt)).to.be.closeTo(2 * g.rotationNs + P.head_switch_ns, 1e-6);
      // The next track's first sector is skewed by exactly the switch time.
      const a0 = g.angleOf(g.locate(0));
      const a1 = g.angleOf(g.locate(spt));
      expect((a1 - a0 + 1) % 1).to.be.closeTo(P.head_switch_ns / g.rotationNs, 1e-9);
    });
  });

  describe('seek curve', () => {
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

  const device = (overrides: Record<string, unknown> = {}, seed = 1) => {
    const sim = new Simulation({ seed });
    const dev = createDevice(sim, null, { name: 'sda', profile: 'hdd-sata-2007', overrides, block: { scheduler: 'none' } });
    return { sim, dev, hdd: dev.driver as Hdd };
  };

  it('a random 4 KiB read costs overhead + seek + rotational position + transfer', () => {
    const { sim, dev, hdd } = device({}, 3);
    const r = runClosedLoop(sim, dev, null, { rw: 'randread', bs: 4096, iodepth: 1, runtimeNs: 20e9 });
    const g = hdd.geometry;
    const st = hdd.stats;
    // Rotational wait is uniform over a turn: mean T/2.
    expect(st.rotationNs / st.mediaOps).to.be.closeTo(g.rotationNs / 2, g.rotationNs * 0.05);
    // Expected seek between independent uniform LBAs, from the geometry and the seek curve.
    let seek = 0;
    let x = 777;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      x = (x * 48271) % 2147483647;
      const a = g.locate(Math.floor((x / 2147483647) * g.sizeSectors)).cyl;
      x = (x * 48271) % 2147483647;
      const b = g.locate(Math.floor((x / 2147483647) * g.sizeSectors)).cyl;
      seek += hdd.seek.seekNs(Math.abs(a - b));
    }
    seek /= n;
    expect(st.seekNs / st.mediaOps).to.be.closeTo(seek, seek * 0.05);
    const transfer = (8 / g.zones[4].spt) * g.rotationNs; // a mid-disk track: ~25-60 us, small
    const expected = P.command_overhead_ns + seek + g.rotationNs / 2 + transfer + (4096 / 150e6) * 1e9;
    expect(r.meanLatNs).to.be.closeTo(expected, expected * 0.05);
  });

  it('sequential reads stream at the zone media rate (read-ahead, no lost turns)', () => {
    const { sim, dev, hdd } = device();
    // 128 KiB at QD1: the host turnaround (command overhead + link) is shorter than the media
    // time, so the read-ahead keeps the head streaming.
    const r = runClosedLoop(sim, dev, null, { rw: 'read', bs: 131072, iodepth: 1, runtimeNs: 2e9, rampNs: 0.2e9 });
    const rate = hdd.geometry.zoneRate(0) / 1e6;
    expect(r.mbps).to.be.closeTo(rate, rate * 0.03);
    expect(hdd.stats.seeks).to.equal(0);
  });

  it('a request arriving just after its sector passed waits about a turn (write cache off)', () => {
    const { sim, dev, hdd } = device({ write_cache: false });
    const r = runClosedLoop(sim, dev, null, { rw: 'write', bs: 4096, iodepth: 1, runtimeNs: 1e9, rampNs: 0.1e9 });
    const T = hdd.geometry.rotationNs;
    // Each write starts a few us after the previous ended, so it waits T minus that.
    expect(r.meanLatNs).to.be.closeTo(T, T * 0.03);
    expect(r.mbps).to.be.closeTo(4096 / (T / 1e9) / 1e6, 0.05);
  });

  it('with the write cache on, a write is acknowledged at interface speed', () => {
    const { sim, dev } = device();
    // Short enough that the 64-extent buffer does not fill.
    const r = runClosedLoop(sim, dev, null, { rw: 'randwrite', bs: 4096, iodepth: 1, runtimeNs: 0.005e9 });
    const expected = P.command_overhead_ns + (4096 / 150e6) * 1e9;
    expect(r.meanLatNs).to.be.closeTo(expected, expected * 0.05);
  });

  it('records head movements for seek-storm plots when asked', () => {
    const { sim, dev, hdd } = device();
    hdd.enableHeadTrace(50);
    runClosedLoop(sim, dev, null, { rw: 'randread', bs: 4096, iodepth: 1, runtimeNs: 1e9 });
    const trace = hdd.headTrace();
    expect(trace).to.have.length(50);
    for (let i = 1; i < trace.length; i++) {
      expect(trace[i].time).to.be.above(trace[i - 1].time);
      expect(trace[i].seekCylinders).to.equal(Math.abs(trace[i].cylinder - trace[i - 1].cylinder));
    }
  });
});
