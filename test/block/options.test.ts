import { expect } from 'chai';
import { blockDefaultsForKernel } from '../../kernel-lib/block/kernel-presets.js';
import { DEFAULT_BLOCK_OPTIONS, parseBlockOptions } from '../../kernel-lib/block/options.js';

describe('block/options', () => {
  it('defaults to the kernel constants', () => {
    const o = parseBlockOptions({});
    expect(o.max_sectors).to.equal(1024); // BLK_DEF_MAX_SECTORS
    expect(o.max_segments).to.equal(128); // MAX_PHYS_SEGMENTS
    expect(o.max_segment_size).to.equal(65536); // MAX_SEGMENT_SIZE
    expect(o.unplug_thresh).to.equal(4);
    expect(o.unplug_delay_ms).to.equal(3);
    expect(o.plug_max_requests).to.equal(32); // BLK_MAX_REQUEST_COUNT
    expect(o.plug_flush_bytes).to.equal(128 * 1024); // BLK_PLUG_FLUSH_SIZE
    expect([o.read_expire_ms, o.write_expire_ms, o.fifo_batch, o.writes_starved]).to.deep.equal([500, 5000, 16, 2]); // deadline-iosched.c
    expect([o.slice_sync_ms, o.slice_async_ms, o.slice_idle_ms]).to.deep.equal([100, 40, 8]); // HZ/10, HZ/25, HZ/125
  });

  it('a value given changes that knob alone; an era preset under it fills the rest', () => {
    const o = parseBlockOptions({ nr_requests: 64, fifo_batch: 8 });
    const changed = Object.keys(o).filter((k) => o[k as keyof typeof o] !== DEFAULT_BLOCK_OPTIONS[k as keyof typeof o]);
    expect(changed.sort()).to.deep.equal(['fifo_batch', 'nr_requests']);
    // The preset (what `params.kernel` gives) is the base; an explicit value wins over it.
    const old = parseBlockOptions({ max_sectors: 256 }, 'block', blockDefaultsForKernel('2.6.21'));
    expect(old).to.include({ queue: 'legacy', scheduler: 'cfq', max_sectors: 256 });
  });

  it('takes valid values and names a bad key or value', () => {
    expect(parseBlockOptions({ nr_requests: 64, queue: 'legacy', scheduler: 'deadline' }).nr_requests).to.equal(64);
    expect(() => parseBlockOptions({ nr_request: 64 })).to.throw(/block\.nr_request: unknown block-layer parameter/);
    expect(() => parseBlockOptions({ nr_requests: 2 })).to.throw(/block\.nr_requests: expected an integer >= 4/);
    expect(() => parseBlockOptions({ rq_affinity: 3 })).to.throw(/block\.rq_affinity: expected one of 0, 1, 2, got 3/);
    expect(() => parseBlockOptions({ queue: 'legacy', scheduler: 'none' })).to.throw(/block\.scheduler: "none" is not available with block\.queue=legacy/);
  });

});
