import { expect } from 'chai';
import { DmuMap } from '../../../kernel-lib/dm/userspace/remap.js';
import { RemapHashTable } from '../../../kernel-lib/dm/userspace/remap-hash.js';
import { RemapList } from '../../../kernel-lib/dm/userspace/remap-list.js';

const costs = { rehashNs: 40, bucketInitNs: 5 };
const remap = (block: number): DmuMap => {
  const m = new DmuMap();
  m.orgBlock = block;
  return m;
};

describe('dm/userspace remap hash table', () => {
  it('the hash table starts with 2048 buckets and doubles, rehashing synchronously, when more than half full', () => {
    const ht = new RemapHashTable();
    expect(ht.size).to.equal(2048);
    let spent = 0;
    for (let b = 0; b < 1024; b++) spent += ht.insert(remap(b * 7), costs);
    expect(ht.size, 'exactly half full: not yet').to.equal(2048);
    expect(spent).to.equal(0);
    const ns = ht.insert(remap(99_999), costs);
    expect(ht.size).to.equal(4096);
    expect(ht.grows).to.equal(1);
    expect(ns).to.equal(4096 * costs.bucketInitNs + 1025 * costs.rehashNs);
    for (let b = 0; b < 1024; b++) expect(ht.find(b * 7)?.orgBlock).to.equal(b * 7);
    expect(ht.find(99_999)).to.not.equal(null);
  });

  it('hash = block & mask: blocks a table size apart share a chain, found in insertion order', () => {
    const ht = new RemapHashTable();
    ht.insert(remap(5), costs);
    ht.insert(remap(5 + 2048), costs);
    ht.insert(remap(5 + 4096), costs);
    expect(ht.find(5 + 4096)?.orgBlock).to.equal(5 + 4096);
    expect(ht.visits).to.equal(3);
    expect(ht.find(6)).to.equal(null);
    expect(ht.visits).to.equal(0);
  });
});
