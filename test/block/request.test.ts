import { expect } from 'chai';
import { Bio, REQ_FUA, REQ_SYNC } from '../../kernel-lib/block/bio.js';
import { backMerge, canMerge, canMergeRequests, fitsLimits, frontMerge, mergeRequests, Request } from '../../kernel-lib/block/request.js';

const LIMITS = { maxSectors: 1024, maxSegments: 128, maxSegmentSize: 65536 };

describe('block/request', () => {
  it('a bio joins at the back or the front, keeping the bios in sector order', () => {
    const rq = new Request(new Bio('write', 100, 8), 0, LIMITS.maxSegmentSize);
    const after = new Bio('write', 108, 8);
    const before = new Bio('write', 92, 8);
    backMerge(rq, after, LIMITS);
    frontMerge(rq, before, LIMITS);
    expect([rq.sector, rq.sectors, rq.end, rq.segments]).to.deep.equal([92, 24, 116, 3]);
    expect(rq.bios.map((b) => b.sector)).to.deep.equal([92, 100, 108]);
  });

  it('only plain reads or writes of the same op and sync-ness merge; flush and FUA stand alone', () => {
    const rq = new Request(new Bio('write', 0, 8), 0, LIMITS.maxSegmentSize);
    expect(canMerge(rq, new Bio('write', 8, 8))).to.equal(true);
    expect(canMerge(rq, new Bio('read', 8, 8))).to.equal(false);
    expect(canMerge(rq, new Bio('write', 8, 8, REQ_SYNC))).to.equal(false);
    expect(canMerge(rq, new Bio('write', 8, 8, REQ_FUA))).to.equal(false);
    expect(canMerge(new Request(new Bio('flush', 0, 0), 0, LIMITS.maxSegmentSize), new Bio('flush', 0, 0))).to.equal(false);
  });

  it('a merge stays within max_sectors and max_segments (a 64 KiB segment each at most)', () => {
    const rq = new Request(new Bio('write', 0, 1016), 0, LIMITS.maxSegmentSize);
    expect(fitsLimits(rq, new Bio('write', 1016, 8), LIMITS)).to.equal(true);
    expect(fitsLimits(rq, new Bio('write', 1016, 16), LIMITS)).to.equal(false);
    expect(rq.segments).to.equal(Math.ceil((1016 * 512) / 65536));
    const few = { ...LIMITS, maxSegments: rq.segments + 1 };
    expect(fitsLimits(rq, new Bio('write', 1016, 8), few)).to.equal(true);
    expect(fitsLimits(rq, new Bio('write', 1016, 8), { ...few, maxSegments: rq.segments })).to.equal(false);
  });

  it('two requests merge when the second starts where the first ends (attempt_merge)', () => {
    const a = new Request(new Bio('read', 0, 8), 0, LIMITS.maxSegmentSize);
    const b = new Request(new Bio('read', 8, 8), 0, LIMITS.maxSegmentSize);
    const gap = new Request(new Bio('read', 24, 8), 0, LIMITS.maxSegmentSize);
    expect(canMergeRequests(a, gap, LIMITS)).to.equal(false);
    expect(canMergeRequests(a, b, LIMITS)).to.equal(true);
    mergeRequests(a, b);
    expect([a.sector, a.sectors, a.bios.length]).to.deep.equal([0, 16, 2]);
  });
});
