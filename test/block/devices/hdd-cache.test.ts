import { expect } from 'chai';
import { runClosedLoop } from '../closed-loop.js';
import { P, device } from './hdd-profile.js';

describe('block/devices/hdd-cache', () => {
  it('with the write cache on, a write is acknowledged at interface speed', () => {
    const { sim, dev } = device();
    // Short enough that the 64-extent buffer does not fill.
    const r = runClosedLoop(sim, dev, null, { rw: 'randwrite', bs: 4096, iodepth: 1, runtimeNs: 0.005e9 });
    const expected = P.command_overhead_ns + (4096 / 150e6) * 1e9;
    expect(r.meanLatNs).to.be.closeTo(expected, expected * 0.05);
  });
});
