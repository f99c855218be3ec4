import { expect } from 'chai';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { BlkMq, parseBlockOptions } from '../../kernel-lib/block/index.js';
import { PageCache } from '../../kernel-lib/block/page-cache.js';
import { dd } from './dd.js';
import { FakeDriver } from './fake-driver.js';

describe('block/writeback', () => {
  it('writeback issues large ascending bios', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim, 4, 1e6);
    const dev = new BlkMq(sim, null, drv, parseBlockOptions({ scheduler: 'none' }));
    const c = new PageCache(sim, dev, null, { ram_mib: 64, writeback_bio_kib: 1024 });
    dd(sim, null, c, 32);
    const writes = drv.seen.filter((s) => s.op === 'write');
    // 1 MiB bios, capped by max_sectors = 1024 (512 KiB): pairs of 512 KiB requests.
    expect(writes.every((w) => w.sectors === 1024)).to.equal(true);
    for (let i = 1; i < writes.length; i++) expect(writes[i].sector).to.equal(writes[i - 1].sector + 1024);
  });
});
