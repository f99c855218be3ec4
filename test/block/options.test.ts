import { expect } from 'chai';
import { DEFAULT_BLOCK_OPTIONS, parseBlockOptions } from '../../kernel-lib/block/options.js';

describe('block/options', () => {
  it('defaults to the kernel constants', () => {
    const o = parseBlockOptions({});
    expect(o.max_sectors).to.equal(1024); // BLK_DEF_MAX_SECTORS
    expect(o.unplug_thresh).to.equal(4);
    expect(o.unplug_delay_ms).to.equal(3);
    expect(o.plug_max_requests).to.equal(32);
    expect(o.plug_flush_bytes).to.equal(128 * 1024);
    expect(o).to.deep.equal({ ...DEFAULT_BLOCK_OPTIONS });
  });

  it('takes valid values and names a bad key or value', () => {
    expect(parseBlockOptions({ nr_requests: 64, queue: 'legacy', scheduler: 'deadline' }).nr_requests).to.equal(64);
    expect(() => parseBlockOptions({ nr_request: 64 })).to.throw(/block\.nr_request: unknown block-layer parameter/);
    expect(() => parseBlockOptions({ nr_requests: 2 })).to.throw(/block\.nr_requests: expected an integer >= 4/);
    expect(() => parseBlockOptions({ rq_affinity: 3 })).to.throw(/block\.rq_affinity: expected one of 0, 1, 2, got 3/);
    expect(() => parseBlockOptions({ queue: 'legacy', scheduler: 'none' })).to.throw(/block\.scheduler: "none" is not available with block\.queue=legacy/);
  });

});
