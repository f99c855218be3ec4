import { expect } from 'chai';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { createDevice } from '../../../kernel-lib/block/index.js';
import { RAM_DEFAULTS } from '../../../kernel-lib/block/devices/ram.js';
import { runClosedLoop } from '../closed-loop.js';

describe('block/devices/ram', () => {
  it('an I/O costs the per-I/O overhead plus its bytes at the memcpy bandwidth', () => {
    const sim = new Simulation();
    const dev = createDevice(sim, null, { name: 'ram0', profile: 'ram', block: { scheduler: 'none' } });
    const small = runClosedLoop(sim, dev, null, { rw: 'randread', bs: 4096, iodepth: 1, runtimeNs: 1e6 });
    const copyNs = (bytes: number) => (bytes * 1e3) / RAM_DEFAULTS.copy_mbps;
    // The block layer's own completion cost comes on top: the device part is a lower bound.
    expect(small.meanLatNs).to.be.at.least(RAM_DEFAULTS.per_io_ns + copyNs(4096));
    const sim2 = new Simulation();
    const dev2 = createDevice(sim2, null, { name: 'ram0', profile: 'ram', block: { scheduler: 'none' } });
    const big = runClosedLoop(sim2, dev2, null, { rw: 'randread', bs: 65536, iodepth: 1, runtimeNs: 1e6 });
    // Sixteen times the bytes: the difference is the extra copy time alone.
    expect(big.meanLatNs - small.meanLatNs).to.be.closeTo(copyNs(65536 - 4096), 1);
  });
});
