import { expect } from 'chai';
import { Simulation, type ProcessGenerator } from '../../../kernel-lib/sim/index.js';
import { Bio, REQ_SYNC, createDevice, type BlockDevice } from '../../../kernel-lib/block/index.js';
import { runClosedLoop } from '../closed-loop.js';

describe('block/devices/loop', () => {
  it('builds a loop device over another device, with one backing I/O at a time', () => {
    const s = new Simulation();
    const disk = createDevice(s, null, { name: 'sda', profile: 'ram' });
    const loop = createDevice(s, null, { name: 'loop0', profile: 'loop', backing: disk, overrides: { offset_sectors: 2048, io: 'direct' } });
    expect(loop.sizeSectors).to.equal(disk.sizeSectors - 2048);
    runClosedLoop(s, loop, null, { rw: 'randwrite', bs: 4096, iodepth: 8, runtimeNs: 1e6 });
    const backing = disk.diskStats();
    expect(backing.writeIos).to.be.above(10);
    // One I/O in flight whenever any is: the in-flight integral equals the busy time.
    expect(backing.inQueueNs).to.be.closeTo(backing.busyNs, 1e-3 * backing.busyNs);
    expect(loop.diskStats().inQueueNs).to.be.above(4 * loop.diskStats().busyNs);
  });

  /** Reads `blocks` blocks of `bs` bytes from sector 0 up, one at a time (psync), `passes` times. */
  function readSequentially(s: Simulation, dev: BlockDevice, bs: number, blocks: number, passes = 1): void {
    const body = function* (): ProcessGenerator<void> {
      for (let pass = 0; pass < passes; pass++) {
        for (let i = 0; i < blocks; i++) {
          const bio = new Bio('read', (i * bs) / 512, bs / 512, REQ_SYNC);
          yield* dev.submit(bio);
          yield bio.wait(s);
        }
      }
    };
    s.process(body(), 'reader');
    s.run();
  }

  type Queued = ReturnType<typeof createDevice>;

  function loopOver(io: 'buffered' | 'direct'): { s: Simulation; disk: Queued; loop: Queued } {
    const s = new Simulation();
    const disk = createDevice(s, null, { name: 'sda', profile: 'ram' });
    const loop = createDevice(s, null, { name: 'loop0', profile: 'loop', backing: disk, overrides: { io } });
    return { s, disk, loop };
  }

  it('buffered: a sequential 4 KiB read issues read-ahead windows to the backing device (2.6 ramp 4, 8, 16, then 32 pages)', () => {
    const { s, disk, loop } = loopOver('buffered');
    const pages = 2560; // 10 MiB
    readSequentially(s, loop, 4096, pages);
    // get_init_ra_size(1 page, max 32) = 4; get_next_ra_size: 4 -> 8 -> 16 (x2 from max/16 = 2
    // up), then the 128 KiB maximum: 3 ramp windows covering 28 pages, then (pages - 28) / 32.
    const expected = 3 + Math.ceil((pages - 28) / 32);
    const st = disk.diskStats();
    expect(st.readIos).to.equal(expected);
    expect(st.writeIos).to.equal(0);
    expect(loop.diskStats().readIos).to.equal(pages);
  });

  it('buffered: a re-read hits the backing file\'s page cache, with no backing I/O', () => {
    const { s, disk, loop } = loopOver('buffered');
    readSequentially(s, loop, 4096, 256, 1);
    const once = disk.diskStats().readIos;
    const again = loopOver('buffered');
    readSequentially(again.s, again.loop, 4096, 256, 2);
    expect(again.disk.diskStats().readIos).to.equal(once);
    expect(again.loop.diskStats().readIos).to.equal(512);
  });

  it('buffered: random reads turn read-ahead off (ra_off): one page per backing read', () => {
    const { s, disk, loop } = loopOver('buffered');
    const body = function* (): ProcessGenerator<void> {
      // Every other 4 KiB block, backwards: never the page after the previous one.
      for (let i = 200; i > 0; i -= 2) {
        const bio = new Bio('read', i * 8, 8, REQ_SYNC);
        yield* loop.submit(bio);
        yield bio.wait(s);
      }
    };
    s.process(body(), 'reader');
    s.run();
    expect(disk.diskStats().readIos).to.equal(100);
    expect(disk.diskStats().readSectors).to.equal(800);
  });

  it('direct: each request maps 1:1 to a backing I/O of the same size', () => {
    const { s, disk, loop } = loopOver('direct');
    readSequentially(s, loop, 4096, 2560);
    expect(disk.diskStats().readIos).to.equal(2560);
    expect(disk.diskStats().readSectors).to.equal(2560 * 8);
  });
});
