import { expect } from 'chai';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { createDevice } from '../../../kernel-lib/block/index.js';
import { runClosedLoop } from '../closed-loop.js';

describe('block/devices/loop', () => {
  it('builds a loop device over another device, with one backing I/O at a time', () => {
    const s = new Simulation();
    const disk = createDevice(s, null, { name: 'sda', profile: 'ram' });
    const loop = createDevice(s, null, { name: 'loop0', profile: 'loop', backing: disk, overrides: { offset_sectors: 2048 } });
    expect(loop.sizeSectors).to.equal(disk.sizeSectors - 2048);
    runClosedLoop(s, loop, null, { rw: 'randwrite', bs: 4096, iodepth: 8, runtimeNs: 1e6 });
    const backing = disk.diskStats();
    expect(backing.writeIos).to.be.above(10);
    // One I/O in flight whenever any is: the in-flight integral equals the busy time.
    expect(backing.inQueueNs).to.be.closeTo(backing.busyNs, 1e-3 * backing.busyNs);
    expect(loop.diskStats().inQueueNs).to.be.above(4 * loop.diskStats().busyNs);
  });
});
