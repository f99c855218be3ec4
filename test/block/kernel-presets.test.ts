import { expect } from 'chai';
import { BLOCK_ERAS, PAGE_CACHE_ERAS, blockDefaultsForKernel, pageCacheDefaultsForKernel } from '../../kernel-lib/block/kernel-presets.js';
import { DEFAULT_BLOCK_OPTIONS, parseBlockOptions } from '../../kernel-lib/block/options.js';
import { PAGE_CACHE_DEFAULTS, parsePageCacheOptions } from '../../kernel-lib/block/page-cache.js';

describe('block/kernel-presets', () => {
  it('2.6.21: the single queue with CFQ, 512 KiB requests, no rq_affinity', () => {
    expect(blockDefaultsForKernel('2.6.21')).to.include({ queue: 'legacy', scheduler: 'cfq', rq_affinity: 0, max_sectors: 1024 });
    expect(blockDefaultsForKernel('2.6.28')).to.include({ rq_affinity: 1 });
    expect(blockDefaultsForKernel('6.8')).to.include({ queue: 'mq', scheduler: undefined, plug_max_requests: 32 });
    expect(blockDefaultsForKernel('5.4')).to.include({ queue: 'mq', plug_max_requests: 16 });
    expect(() => blockDefaultsForKernel('linux')).to.throw(/kernel: expected a kernel version/);
  });

  it('one page-cache ladder: 40/10 until 2.6.21, 10/5 in 2.6.22-2.6.29, 20/10 after; io-less from 3.2', () => {
    expect(pageCacheDefaultsForKernel('2.6.21')).to.include({ dirty_ratio: 40, dirty_background_ratio: 10, throttle: '2.6', fsync_flush: false });
    expect(pageCacheDefaultsForKernel('2.6.25')).to.include({ dirty_ratio: 10, dirty_background_ratio: 5, throttle: '2.6' });
    expect(pageCacheDefaultsForKernel('2.6.28')).to.include({ fsync_flush: true });
    expect(pageCacheDefaultsForKernel('3.1')).to.include({ dirty_ratio: 20, throttle: '2.6' });
    expect(pageCacheDefaultsForKernel('3.2')).to.include({ throttle: 'io-less' });
  });

  it('the legacy queue plugs itself until 2.6.39 only: 3.x and 4.x presets (still the legacy queue) do not', () => {
    expect(blockDefaultsForKernel('2.6.38')).to.include({ queue: 'legacy', queue_plugging: true });
    expect(blockDefaultsForKernel('2.6.39')).to.include({ queue: 'legacy', queue_plugging: false });
    expect(blockDefaultsForKernel('4.19')).to.include({ queue: 'legacy', queue_plugging: false });
  });

  it("every era's values, taken together, pass the layer's own validators", () => {
    const versions = new Set(['2.6.0']);
    for (const table of [BLOCK_ERAS, PAGE_CACHE_ERAS]) for (const h of Object.values(table)) for (const st of h.steps) versions.add(st.since);
    for (const v of versions) {
      const block = blockDefaultsForKernel(v);
      for (const key of Object.keys(block)) expect(Object.hasOwn(DEFAULT_BLOCK_OPTIONS, key), key).to.equal(true);
      expect(() => parseBlockOptions(block), v).not.to.throw();
      expect(() => parsePageCacheOptions(pageCacheDefaultsForKernel(v)), v).not.to.throw();
    }
  });

  it("today's page-cache era is the page cache's own default, so naming a modern kernel changes nothing there", () => {
    const today = pageCacheDefaultsForKernel('6.x');
    for (const key of Object.keys(PAGE_CACHE_ERAS)) expect(today[key as keyof typeof today], key).to.equal(PAGE_CACHE_DEFAULTS[key as keyof typeof PAGE_CACHE_DEFAULTS]);
  });
});
