import { expect } from 'chai';
import type { CpuSet } from '../../kernel-lib/sim/cpu.js';
import { Simulation, type ProcessGenerator } from '../../kernel-lib/sim/index.js';
import { BlkMq, blockDefaultsForKernel, createDevice, pageCacheDefaultsForKernel, parseBlockOptions, type Hdd } from '../../kernel-lib/block/index.js';
import { PageCache, parsePageCacheOptions, type PageCacheOptions } from '../../kernel-lib/block/page-cache.js';
import { machine } from './calibration.js';
import { dd, MiB } from './dd.js';
import { FakeDriver } from './fake-driver.js';

describe('block/page-cache', () => {
  it('thresholds are the ratios of dirtyable memory', () => {
    const sim = new Simulation();
    const dev = createDevice(sim, null, { name: 'r', profile: 'ram' });
    const c = new PageCache(sim, dev, null, { ram_mib: 1024, dirtyable_fraction: 0.5, dirty_ratio: 40, dirty_background_ratio: 10 });
    expect(c.dirtyThreshPages()).to.equal(Math.floor(262144 * 0.5 * 0.4));
    expect(c.backgroundThreshPages()).to.equal(Math.floor(262144 * 0.5 * 0.1));
  });

  it('validates options by name and has era defaults', () => {
    expect(parsePageCacheOptions({ dirty_ratio: 40 }).dirty_ratio).to.equal(40);
    expect(() => parsePageCacheOptions({ dirty_ratoi: 40 })).to.throw(/vm\.dirty_ratoi: unknown page-cache parameter/);
    expect(() => parsePageCacheOptions({ dirty_ratio: 140 })).to.throw(/vm\.dirty_ratio: expected a percentage/);
    expect(() => parsePageCacheOptions({ throttle: 'fast' })).to.throw(/vm\.throttle: expected one of "2.6", "io-less"/);
    expect(parsePageCacheOptions({ dirty_ratio: 10, dirty_background_ratio: 10 }).dirty_background_ratio).to.equal(5);
  });

  for (const throttle of ['io-less', '2.6'] as const) {
    it(`throttles the writer at the dirty threshold (${throttle}) and fsync waits for every page`, () => {
      const sim = new Simulation();
      const drv = new FakeDriver(sim, 32, 4e6); // 512 KiB per 4 ms per slot: fast enough, but finite
      const dev = new BlkMq(sim, null, drv, parseBlockOptions({ scheduler: 'none' }));
      const opts: Partial<PageCacheOptions> = { ram_mib: 64, dirtyable_fraction: 1, dirty_ratio: 20, throttle, writeback_bio_kib: 512 };
      const c = new PageCache(sim, dev, null, opts);
      let worst = 0;
      const r = dd(sim, null, c, 256, () => (worst = Math.max(worst, c.dirtyPages + c.writeback.pagesUnderWriteback)));
      // Never more than the threshold plus what one write() and one writeback chunk add.
      expect(worst).to.be.at.most(c.dirtyThreshPages() + 256 + 1536);
      expect(c.counters.throttled).to.be.above(0);
      expect(c.dirtyPages).to.equal(0);
      expect(c.writeback.pagesUnderWriteback).to.equal(0);
      expect(dev.diskStats().writeSectors).to.equal(256 * MiB / 512);
      expect(drv.seen[drv.seen.length - 1].op).to.equal('flush');
      expect(r.syncNs).to.be.above(r.ddNs);
    });
  }

  it('reads go to the device with read-ahead, then hit the cache', () => {
    const sim = new Simulation();
    const dev = createDevice(sim, null, { name: 'r', profile: 'ram' });
    const c = new PageCache(sim, dev, null, {});
    sim.process(function* (): ProcessGenerator<void> {
      for (let i = 0; i < 32; i++) yield* c.read(null, i * 4096, 4096);
    });
    sim.run();
    expect(dev.diskStats().readIos).to.equal(1); // 128 KiB read-ahead covers 32 pages
    expect(c.counters.readHits).to.equal(31);
  });

  it('reclaims the oldest clean pages when the cache outgrows memory', () => {
    const sim = new Simulation();
    const dev = createDevice(sim, null, { name: 'r', profile: 'ram' });
    const c = new PageCache(sim, dev, null, { ram_mib: 4, dirtyable_fraction: 1 }); // 1024 pages
    sim.process(function* (): ProcessGenerator<void> {
      for (let i = 0; i < 2048; i += 32) yield* c.read(null, i * 4096, 32 * 4096); // 8 MiB, twice memory
      yield* c.read(null, 2000 * 4096, 4096); // recent: still cached
      yield* c.read(null, 0, 4096); // oldest: reclaimed
    });
    sim.run();
    expect(c.counters.readHits).to.equal(1);
    expect(dev.diskStats().readIos).to.equal(2048 / 32 + 1);
  });

  it('2007: dd bs=1M count=1000 to hdd-sata-2007 under 2.6.21 (RAM 512 MiB): the disk streams at the media rate, dd returns at the throttled rate', () => {
    const { sim, cpus } = machine();
    const dev = createDevice(sim, cpus, { name: 'sda', profile: 'hdd-sata-2007', block: blockDefaultsForKernel('2.6.21') });
    // Pentium 4 3 GHz: ~4 us per 4 KiB page copied and accounted [R]; 512 MiB of RAM [R].
    const c = new PageCache(sim, dev, cpus, { ...pageCacheDefaultsForKernel('2.6.21'), ram_mib: 512, copy_ns_per_page: 4000 });
    const r = dd(sim, cpus, c, 1000);
    const bytes = 1000 * MiB;
    const ddMBps = bytes / r.ddNs * 1e3;
    const syncMBps = bytes / r.syncNs * 1e3;
    const media = (dev.driver as Hdd).geometry.zoneRate(0) / 1e6;
    // Including the final writeback, the disk streams at the outer zone's media rate.
    expect(syncMBps).to.be.closeTo(media, media * 0.1);
    // dd alone returns with the dirty threshold still in memory: throttling dominates.
    const threshBytes = c.dirtyThreshPages() * 4096;
    const predicted = bytes / ((bytes - threshBytes) / (media * 1e6)) / 1e6;
    expect(ddMBps).to.be.closeTo(predicted, predicted * 0.1);
    // Against the published 45.4 MB/s: the held-out row of
    // test/scenario/calibration/kcopyd-2007.test.ts (pending; docs/devices.md).
  });
});
