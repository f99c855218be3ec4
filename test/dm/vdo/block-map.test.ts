import { expect } from 'chai';
import { PageLru } from '../../../kernel-lib/dm/vdo/block-map.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';

describe('dm/vdo block map', () => {
  it('PageLru evicts in the order a Map used as an LRU (delete and re-set on a hit) does', () => {
    const rng = new Simulation({ seed: 3 }).rng('lru');
    const lru = new PageLru(200);
    const ref = new Map<number, number>();
    const evicted: number[] = [];
    const refEvicted: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const page = rng.integer(0, 199);
      const pbn = rng.integer(1, 1e6);
      if (ref.has(page)) {
        ref.delete(page);
        ref.set(page, pbn);
        lru.touch(page, pbn);
      } else {
        ref.set(page, pbn);
        lru.touch(page, pbn);
        if (ref.size > 50) {
          const [victim, victimPbn] = ref.entries().next().value as [number, number];
          ref.delete(victim);
          refEvicted.push(victim, victimPbn);
          const v = lru.oldest();
          evicted.push(v, lru.pbnOf(v));
          lru.delete(v);
        }
      }
      expect(lru.size).to.equal(ref.size);
    }
    expect(evicted).to.deep.equal(refEvicted);
  });
});
