// The block map's trees (block-map-tree.ts) against the fan-out arithmetic of block-map.c: 60
// trees interleaved page by page, 812 entries a page, roots at height 4. A first write under an
// unallocated entry allocates exactly the missing pages, each with a recovery-journal entry and
// a reference count at the maximum; reads and discards allocate nothing. [validates]: these
// follow from the kernel's mechanism, nothing here is fitted.
import { expect } from 'chai';
import { MAXIMUM_REFERENCE_COUNT, VDO_BLOCK_MAP_ENTRIES_PER_PAGE } from '../../../kernel-lib/dm/vdo/constants.js';
import { treeKey, treePageIndex } from '../../../kernel-lib/dm/vdo/block-map-tree.js';
import { vdoIo, vdoSetup, type VdoHarness } from './vdo-harness.js';

const EPP = VDO_BLOCK_MAP_ENTRIES_PER_PAGE;
/** The first LBN of logical page `page`. */
const lbnOf = (page: number) => page * EPP;

function run(h: VdoHarness, ops: ['read' | 'write' | 'discard', number][]): void {
  const t = h.cpus.thread('fio');
  t.spawn(function* () {
    for (const [op, lbn] of ops) yield* vdoIo(h, t, op, lbn, op === 'write' ? 1000 + lbn : undefined);
  });
  h.sim.run();
}

const allocated = (h: VdoHarness) => [...h.target.vdo.blockMap.forest.allocated];

describe('dm/vdo block-map trees', () => {
  // 40 M logical blocks: tree 7 has 824 leaf pages, so its leaves 0 and 812 hang under two different height-1 pages.
  const LOGICAL = 40_000_000;

  it('[validates] a first write into a fresh tree reads its root and allocates one page at each of heights 3, 2, 1 and 0', function () {
    this.timeout(0);
    const h = vdoSetup('hash 1 logical 1 physical 1', {}, 8, 1, LOGICAL);
    run(h, [['write', lbnOf(7) + 3]]);
    expect(allocated(h)).to.deep.equal([1, 1, 1, 1]);
    expect(h.target.vdo.blockMap.forest.rootReads).to.equal(1);
    // One journal entry per page, one for the data.
    expect(h.target.vdo.journal.entries).to.equal(5);
    // The pages' counts are at the maximum: nothing can dedupe against them.
    const forest = h.target.vdo.blockMap.forest;
    for (let height = 0; height < 4; height++) {
      const pbn = forest.pages.get(treeKey(7, height, treePageIndex(7, height))) as number;
      expect(h.target.vdo.depot.refcount(pbn)).to.equal(MAXIMUM_REFERENCE_COUNT);
    }
    const st = h.target.status() as Record<string, number>;
    expect(st.dataBlocksUsed).to.equal(1);
    expect(st.overheadBlocksUsed - h.target.vdo.overheadBlocks).to.equal(4);
  });

  it('[validates] later writes allocate only what the 812-entry fan-out says is missing', function () {
    this.timeout(0);
    const h = vdoSetup('hash 1 logical 1 physical 1', {}, 8, 1, LOGICAL);
    const steps: number[][] = [];
    const t = h.cpus.thread('fio');
    const pages = [
      7, // fresh tree 7: heights 3, 2, 1, 0
      7, // the same leaf page: nothing
      7 + 60, // tree 7's leaf 1, under the same height-1 page: the leaf only
      7 + 60 * 812, // tree 7's leaf 812: a second height-1 page and its leaf
      8, // tree 8: its own root, all four levels
    ];
    t.spawn(function* () {
      for (const [k, page] of pages.entries()) {
        const before = allocated(h);
        yield* vdoIo(h, t, 'write', lbnOf(page) + k, 2000 + k);
        steps.push(allocated(h).map((n, i) => n - before[i]));
      }
    });
    h.sim.run();
    expect(steps).to.deep.equal([
      [1, 1, 1, 1],
      [0, 0, 0, 0],
      [1, 0, 0, 0],
      [1, 1, 0, 0],
      [1, 1, 1, 1],
    ]);
    expect(h.target.vdo.blockMap.forest.rootReads).to.equal(2);
  });

  it('[validates] reads and discards under unallocated entries allocate nothing and find nothing mapped', function () {
    this.timeout(0);
    const h = vdoSetup();
    run(h, [
      ['read', lbnOf(3)],
      ['discard', lbnOf(4)],
    ]);
    expect(allocated(h)).to.deep.equal([0, 0, 0, 0]);
    expect(h.target.vdo.journal.entries).to.equal(0);
    expect(h.target.vdo.stats.readsCompleted).to.equal(1);
  });

  it('[validates] vdo.blockMapTree allocated: every page exists (leaves + one page a height a tree), read once when first needed', function () {
    this.timeout(0);
    const h = vdoSetup('hash 1 logical 1 physical 1', { 'vdo.blockMapTree': 'allocated' });
    run(h, [
      ['write', lbnOf(0)],
      ['write', lbnOf(60)],
    ]);
    const forest = h.target.vdo.blockMap.forest;
    // 1 GiB: 262144 LBNs, 323 leaf pages, 5 or 6 per tree: each of the 60 trees has one page at heights 3, 2, 1.
    expect(forest.preexisting).to.equal(Math.ceil(262144 / EPP) + 60 * 3);
    expect(allocated(h)).to.deep.equal([0, 0, 0, 0]);
    // Tree 0: its root, then its pages at heights 3, 2, 1 (once), then a leaf per page.
    expect(forest.rootReads).to.equal(1);
    expect(forest.pageReads).to.equal(3);
    expect((h.target.status() as Record<string, number>).blockMapPageReads).to.equal(2);
  });

  it('[validates] concurrent first writes under one entry share the allocation (the tree lock)', function () {
    this.timeout(0);
    const h = vdoSetup();
    for (let w = 0; w < 32; w++) {
      const t = h.cpus.thread(`w${w}`);
      t.spawn(function* () {
        yield* vdoIo(h, t, 'write', lbnOf(5) + w, 3000 + w);
      });
    }
    h.sim.run();
    expect(allocated(h)).to.deep.equal([1, 1, 1, 1]);
    expect(h.target.vdo.blockMap.mapping.size).to.equal(32);
  });
});
