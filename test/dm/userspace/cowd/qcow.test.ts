import { expect } from 'chai';
import { PageCache } from '../../../../kernel-lib/block/page-cache.js';
import { QcowImage, QCOW_HEADER_BYTES } from '../../../../kernel-lib/dm/userspace/cowd/qcow.js';
import { Simulation } from '../../../../kernel-lib/sim/index.js';
import { FakeDevice } from '../../fake-device.js';

function image(l2Cache = 16) {
  const sim = new Simulation({ seed: 1 });
  const dev = new FakeDevice(sim, 'loop1', 1 << 22, 1000);
  const q = new QcowImage(new PageCache(sim, dev, null), 4096, (1 << 30) / 4096, l2Cache);
  return { sim, dev, q };
}

describe('dm/userspace/cowd qcow image', () => {
  it('4 KiB clusters: 512-entry L2 tables, each covering 2 MiB; the L1 table follows the header and data starts on the next cluster', () => {
    const { q } = image();
    expect(q.l2Entries).to.equal(512);
    expect(q.l1.length).to.equal(512); // 1 GiB / 2 MiB
    expect(q.fileEnd).to.equal(Math.ceil((QCOW_HEADER_BYTES + 512 * 8) / 4096) * 4096);
  });

  it('writes allocate one L2 table per 2 MiB region and clusters in order at the end of the file', () => {
    const { sim, q } = image();
    const got: unknown[] = [];
    sim.process(function* () {
      for (const c of [0, 1, 512, 1]) got.push(yield* q.lookup(c, true, null));
      got.push(yield* q.lookup(2, false, null));
    });
    sim.run();
    const base = q.fileEnd / 4096 - 5; // two tables, three clusters
    expect(got).to.deep.equal([
      { kind: 'allocated', cluster: base + 1 },
      { kind: 'allocated', cluster: base + 2 },
      { kind: 'allocated', cluster: base + 4 },
      { kind: 'mapped', cluster: base + 2 },
      { kind: 'unallocated' },
    ]);
    expect(q.counters.l2Allocated).to.equal(2);
  });

  it('an L2 table not in cowd\'s cache is read from the image (here a page-cache hit: it was written)', () => {
    const { sim, q } = image(1);
    sim.process(function* () {
      yield* q.lookup(0, true, null);
      yield* q.lookup(512, true, null); // evicts the first table from the 1-entry cache
      yield* q.lookup(0, false, null);
    });
    sim.run();
    expect(q.counters.l2Misses).to.equal(1);
    expect(q.cache.counters.readHits).to.be.at.least(1);
  });
});
