import { expect } from 'chai';
import { BtreeNode, calcMaxEntries, DmBtree } from '../../../kernel-lib/dm/persistent-data/index.js';
import { Simulation, type ProcessGenerator } from '../../../kernel-lib/sim/index.js';
import { makeMetadata, runProcess } from './helpers.js';

interface NodeInfo {
  location: number;
  node: BtreeNode;
  depth: number;
}

function* collect(t: DmBtree, root: number): ProcessGenerator<NodeInfo[]> {
  const out: NodeInfo[] = [];
  yield* t.walk(root, (location, node, depth) => out.push({ location, node: node.clone(), depth }));
  return out;
}

describe('dm/persistent-data btree', () => {
  it('node fan-out is calc_max_entries: 252 for 8-byte values in 4 KiB, a multiple of 3', () => {
    // (4096 - 32) / (8 + 8) = 254 -> 252; (4096 - 32) / (8 + 4) = 338 -> 336; 16-byte values: 169 -> 168
    expect(calcMaxEntries(8, 4096)).to.equal(252);
    expect(calcMaxEntries(4, 4096)).to.equal(336);
    expect(calcMaxEntries(16, 4096)).to.equal(168);
  });

  for (const split of ['sibling', 'rebalance'] as const) {
    it(`inserts and lookups agree with a Map over 100k random keys (${split})`, function () {
      this.timeout(0); // wall time depends on the load, the result does not
      const sim = new Simulation({ seed: 11 });
      const { md } = makeMetadata(sim, { split, bufio: { cacheBlocks: 4096 } });
      const rng = sim.rng('keys');
      const ref = new Map<number, number>();
      const t = md.btree({ size: 8 });
      const result = runProcess(sim, function* () {
        yield* md.format();
        let root = yield* t.empty();
        for (let i = 0; i < 100_000; i++) {
          // Keys from a space 4x the count, so about 12% are overwrites.
          const k = rng.integer(0, 400_000);
          root = yield* t.insert(root, k, i);
          ref.set(k, i);
          if (i % 10_000 === 9_999) {
            md.roots.set('t', root);
            yield* md.commit();
          }
        }
        const bad: number[] = [];
        for (const [k, v] of ref) if ((yield* t.lookup(root, k)) !== v) bad.push(k);
        for (let k = 400_001; k < 400_100; k++) if ((yield* t.lookup(root, k)) !== undefined) bad.push(k);
        const nodes = yield* collect(t, root);
        return { bad, nodes };
      });
      expect(result.bad).to.deep.equal([]);
      const leaves = result.nodes.filter((n) => n.node.isLeaf);
      const keys = leaves.flatMap((n) => n.node.keys);
      expect(keys.length).to.equal(ref.size);
      expect(keys).to.deep.equal([...ref.keys()].sort((a, b) => a - b));
      // All leaves at one depth; every node within its fan-out; with 'sibling' splits and no
      // removals, no node other than the root is less than half full.
      expect(new Set(leaves.map((n) => n.depth)).size).to.equal(1);
      for (const n of result.nodes) {
        expect(n.node.nrEntries).to.be.at.most(252);
        if (split === 'sibling' && n.depth > 0) expect(n.node.nrEntries).to.be.at.least(126);
      }
    });
  }

  it('ascending inserts: node counts and depth follow the fan-out arithmetic (sibling split)', () => {
    // A full node (252) splits in halves; with ascending keys the left half never grows again,
    // so every leaf but the last holds 126: L = ceil(n / 126) - 1 leaves for n > 252, and the
    // same rule one level up over the L children: ceil(793 / 126) - 1 = 6; then one root.
    const n = 100_000;
    const sim = new Simulation();
    const { md } = makeMetadata(sim);
    const t = md.btree({ size: 8 });
    const nodes = runProcess(sim, function* () {
      yield* md.format();
      let root = yield* t.empty();
      for (let k = 0; k < n; k++) root = yield* t.insert(root, k, k);
      return yield* collect(t, root);
    });
    const L = Math.ceil(n / 126) - 1;
    const I = Math.ceil(L / 126) - 1;
    const byDepth = [0, 0, 0, 0];
    for (const x of nodes) byDepth[x.depth]++;
    expect(byDepth).to.deep.equal([1, I, L, 0]);
    expect(L).to.equal(793);
    const leaves = nodes.filter((x) => x.node.isLeaf);
    expect(leaves.filter((x) => x.node.nrEntries === 126).length).to.equal(L - 1);
  });

  it('ascending inserts under the 2021 rebalance fill the left siblings (fewer, fuller leaves)', () => {
    const n = 20_000;
    const sim = new Simulation();
    const { md } = makeMetadata(sim, { split: 'rebalance' });
    const t = md.btree({ size: 8 });
    const nodes = runProcess(sim, function* () {
      yield* md.format();
      let root = yield* t.empty();
      for (let k = 0; k < n; k++) root = yield* t.insert(root, k, k);
      return yield* collect(t, root);
    });
    const leaves = nodes.filter((x) => x.node.isLeaf);
    // Moving entries left while the left sibling has >= 8 free leaves at most 7 + half free.
    expect(leaves.length).to.be.below(Math.ceil(n / 126) - 1);
    expect(leaves.length).to.be.at.least(Math.ceil(n / 252));
  });

  it('the first insert after a commit shadows exactly the root-to-leaf path, then writes in place', () => {
    const sim = new Simulation();
    const { md } = makeMetadata(sim);
    const t = md.btree({ size: 8 });
    const out = runProcess(sim, function* () {
      yield* md.format();
      let root = yield* t.empty();
      for (let k = 0; k < 80_000; k += 2) root = yield* t.insert(root, k, k);
      md.roots.set('t', root);
      yield* md.commit();
      const before = yield* collect(t, root);
      const copies0 = md.tm.stats.shadowCopies;
      const shadowsBefore = new Set(md.tm.shadowSet);
      root = yield* t.insert(root, 20_001, 1); // lands in a leaf with room
      const copies1 = md.tm.stats.shadowCopies;
      const btreeShadows = [...md.tm.shadowSet].filter((b) => !shadowsBefore.has(b) && md.bufio.peek(b)?.data?.kind === 'btree-node');
      const dirtyNodes = [...md.tm.shadowSet].filter((b) => md.bufio.peek(b)?.dirty && md.bufio.peek(b)?.data?.kind === 'btree-node');
      root = yield* t.insert(root, 20_003, 1); // same path: in place
      const copies2 = md.tm.stats.shadowCopies;
      const after = yield* collect(t, root);
      return { before, after, copies0, copies1, copies2, btreeShadows, dirtyNodes, root };
    });
    const depth = Math.max(...out.before.map((x) => x.depth)) + 1;
    expect(depth).to.equal(3);
    // The path to key 20001 in the new tree: one node per level, all of them new copies.
    const path = out.after.filter((x) => x.node.isLeaf ? x.node.keys.includes(20_001) : true);
    const leaf = path.find((x) => x.node.isLeaf) as NodeInfo;
    expect(out.btreeShadows.sort()).to.have.length(depth);
    expect(out.btreeShadows).to.include(leaf.location);
    expect(out.btreeShadows).to.include(out.root);
    expect(out.dirtyNodes.sort()).to.deep.equal(out.btreeShadows.sort());
    // One copy per level, plus one of the metadata space map's bitmap block whose counts the
    // new blocks and the decrements change (the device's first 16320 blocks share one bitmap).
    expect(out.copies1 - out.copies0).to.equal(depth + 1);
    expect(out.copies2).to.equal(out.copies1);
    // Untouched nodes are shared with the committed tree.
    const oldLocations = new Set(out.before.map((x) => x.location));
    const shared = out.after.filter((x) => oldLocations.has(x.location));
    expect(shared.length).to.equal(out.after.length - depth);
  });
});
