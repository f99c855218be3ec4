import { expect } from 'chai';
import { hashLong } from '../../../kernel-lib/dm/clone/index.js';

describe('dm/clone hydration hash', () => {
  it('hashes regions into 2^15 buckets as hash_long does on 64-bit', () => {
    // hash_64(v, 15) = (v * 0x61C8864680B583EB mod 2^64) >> 49
    expect(hashLong(0, 15)).to.equal(0);
    expect(hashLong(1, 15)).to.equal(Number(0x61c8864680b583ebn >> 49n));
    const buckets = new Set<number>();
    for (let r = 0; r < 4096; r++) buckets.add(hashLong(r, 15));
    expect(buckets.size).to.be.greaterThan(4000);
  });

});
