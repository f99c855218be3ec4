import { expect } from 'chai';
import { Bio, type BioPayload } from '../../kernel-lib/block/bio.js';
import { blockFingerprint, ZERO_PAYLOAD } from '../../kernel-lib/block/bio-payload.js';
import { PageContent } from '../../kernel-lib/block/page-content.js';
import { PageCache } from '../../kernel-lib/block/page-cache.js';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { FakeDevice } from '../dm/fake-device.js';

/** The fingerprints a writeback bio of `pages` pages from `first` would carry. */
function fingerprints(c: PageContent, first: number, pages: number): (number | null)[] {
  const bio = new Bio('write', first * 8, pages * 8);
  c.describe(bio, first, pages);
  return Array.from({ length: pages }, (_, i) => blockFingerprint(bio, i));
}

const distinct = (fingerprint: number): BioPayload => ({ fingerprint, blocks: 'distinct', compressPercentage: 0 });

describe('block/page-content', () => {
  it('a page holds what the last write put in it; pages never written with a described buffer hold unique data', () => {
    const c = new PageContent();
    expect(fingerprints(c, 0, 4)).to.deep.equal([null, null, null, null]);
    c.set(0, 8, ZERO_PAYLOAD);
    const a = distinct(100);
    c.set(2, 5, a, 3); // pages 2..4 hold blocks 3..5 of a: fingerprints 103..105
    c.set(6, 7, null); // unique data over one zero page
    expect(fingerprints(c, 0, 8)).to.deep.equal([0, 0, 103, 104, 105, 0, null, 0]);
    // One run covering the bio: its payload at the right block, not a list.
    const bio = new Bio('write', 24, 8);
    c.describe(bio, 3, 1);
    expect(bio.payload).to.equal(a);
    expect(bio.payloadBlock).to.equal(4);
  });

  it('a sequential writer of one buffer stays one run (dd if=/dev/zero of a gigabyte)', () => {
    const c = new PageContent();
    for (let p = 0; p < 262_144; p += 256) c.set(p, p + 256, ZERO_PAYLOAD);
    expect(c.runs).to.equal(1);
    // fio's distinct blocks continue a run only when the next write carries the next blocks.
    const d = new PageContent();
    const buf = distinct(1000);
    d.set(0, 4, buf, 0);
    d.set(4, 8, buf, 4);
    expect(d.runs).to.equal(1);
    d.set(8, 12, buf, 0); // the same blocks again (a repeated buffer): a run of its own
    expect(d.runs).to.equal(2);
    expect(fingerprints(d, 6, 4)).to.deep.equal([1006, 1007, 1000, 1001]);
  });

  it('writeback sends the pages\' content: a page cache over a device, zeros and unique data written, then fsync', () => {
    const sim = new Simulation({ seed: 1 });
    const dev = new FakeDevice(sim, 'd', 1 << 16, 10_000);
    const seen: (number | null)[][] = [];
    const submit = dev.submit.bind(dev);
    dev.submit = function* (bio: Bio) {
      if (bio.op === 'write') seen.push(Array.from({ length: bio.sectors / 8 }, (_, i) => blockFingerprint(bio, i)));
      yield* submit(bio);
    };
    const cache = new PageCache(sim, dev, null, { writeback_bio_kib: 64 });
    sim.process(function* () {
      yield* cache.write(null, 0, 64 * 1024, ZERO_PAYLOAD); // pages 0..15: zeros
      yield* cache.write(null, 16 * 4096, 8 * 4096); // pages 16..23: unique
      yield* cache.write(null, 4 * 4096, 4096); // page 4 overwritten with unique data
      yield* cache.fsync(null);
    });
    sim.run();
    const pages = seen.flat();
    expect(pages).to.have.length(24);
    expect(pages.map((f) => (f === null ? 'u' : f)).join(',')).to.equal(['0', '0', '0', '0', 'u', ...Array(11).fill('0'), ...Array(8).fill('u')].join(','));
    // Without a described write the bios carry nothing (the fast path, as before).
    expect(seen[seen.length - 1].every((f) => f === null)).to.equal(true);
  });
});
