import { expect } from 'chai';
import { runClosedLoop } from '../closed-loop.js';
import { P, device } from './hdd-profile.js';

describe('block/devices/hdd', () => {
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
