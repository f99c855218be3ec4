import { expect } from 'chai';
import { HydrationHash, hashLong, RegionHydration } from '../../../kernel-lib/dm/clone/index.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';

/** hash_64 as the kernel computes it, in 64-bit arithmetic: the reference for the 32-bit version. */
function hash64(val: number, bits: number): number {
  return Number(((BigInt(val) * 0x61c8864680b583ebn) & ((1n << 64n) - 1n)) >> BigInt(64 - bits));
}

describe('dm/clone hydration hash', () => {
  it('hashes regions into 2^15 buckets as hash_long does on 64-bit', () => {
    // hash_64(v, 15) = (v * 0x61C8864680B583EB mod 2^64) >> 49
    expect(hashLong(0, 15)).to.equal(0);
    expect(hashLong(1, 15)).to.equal(Number(0x61c8864680b583ebn >> 49n));
    const buckets = new Set<number>();
    for (let r = 0; r < 4096; r++) buckets.add(hashLong(r, 15));
    expect(buckets.size).to.be.greaterThan(4000);
  });

  it('equals 64-bit hash_64 exactly, for regions up to 2^31 and beyond 2^32', () => {
    const vals = [2 ** 31, 2 ** 31 - 1, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 12345, 2 ** 53 - 1];
    let x = 7;
    for (let i = 0; i < 20000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      vals.push(i, x);
    }
    const bad = vals.filter((v) => hashLong(v, 15) !== hash64(v, 15) || hashLong(v, 32) !== hash64(v, 32));
    expect(bad).to.deep.equal([]);
  });

  it('keeps regions that share a bucket apart: find, insert at the head, remove from anywhere in the list', () => {
    const h = new HydrationHash(new Simulation({ seed: 1 }), 0);
    const b0 = h.bucketOf(0);
    const same: number[] = [];
    for (let r = 1; same.length < 3; r++) if (h.bucketOf(r) === b0) same.push(r);
    const hds = [0, ...same].map((r) => new RegionHydration(null, r, 0));
    for (const hd of hds) h.insert(hd);
    expect(h.size).to.equal(4);
    for (const hd of hds) expect(h.find(hd.regionNr)).to.equal(hd);
    h.remove(hds[1]); // the middle of the list
    h.remove(hds[3]); // its head
    expect(h.size).to.equal(2);
    expect([0, ...same].map((r) => h.find(r) !== undefined)).to.deep.equal([true, false, true, false]);
    expect(h.find(same[2] + 1)).to.equal(undefined);
  });
});
