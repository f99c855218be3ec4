// snapshot-merge (merge.ts, merge-target.ts): the exceptions of a snapshot go back to the
// origin through kcopyd in batches of consecutive chunks, from the last one committed
// backwards; writes to a batch in flight wait for it; the status line ends with allocated ==
// metadata sectors, which is how LVM sees a merge finish.
import { expect } from 'chai';
import type { SnapshotMergeTarget } from '../../../kernel-lib/dm/snapshot/index.js';
import { snapStack } from './helpers.js';

const CS = 16;

/** A snapshot with exceptions for `chunks` (written in that order, one at a time), then a snapshot-merge over its COW. */
function merged(chunks: number[], opts: { cowSectors?: number } = {}) {
  const s = snapStack({ chunk: CS, cowSectors: opts.cowSectors });
  chunks.forEach((c, i) => s.io(s.snap, 'write', c * CS, 8, i * 3_000_000));
  s.sim.run();
  const before = new Map(chunks.map((c) => [c, s.target.snap.complete.lookup(c) as number]));
  s.origin.seen.length = 0;
  s.cow.seen.length = 0;
  const md = s.create('merge', `0 ${1 << 16} snapshot-merge base-real cow P ${CS}`);
  const target = md.targets[0].target as SnapshotMergeTarget;
  return { s, md, target, before };
}

describe('dm/snapshot snapshot-merge', () => {
  it('copies every exception back to its origin chunk, consecutive runs in one copy, last committed first', () => {
    // Chunks 10, 11, 12 get COW chunks 2, 3, 4 (consecutive in both): one batch. 40 gets 5: another.
    const { s, target, before } = merged([10, 11, 12, 40]);
    expect([...before.values()]).to.deep.equal([2, 3, 4, 5]);
    expect(target.statusLine()).to.equal(`${6 * CS}/${1 << 16} ${2 * CS}`);
    s.sim.run();
    const writes = s.origin.seen.filter((x) => x.op === 'write').map((x) => [x.sector, x.sectors]);
    expect(writes).to.deep.equal([
      [40 * CS, CS],
      [10 * CS, 3 * CS],
    ]);
    const reads = s.cow.seen.filter((x) => x.op === 'read').map((x) => [x.sector, x.sectors]);
    expect(reads).to.deep.equal([
      [5 * CS, CS],
      [2 * CS, 3 * CS],
    ]);
    // commit_merge: one area write (PREFLUSH|FUA) per batch, and the COW shows empty.
    expect(s.cow.seen.filter((x) => x.op === 'write').map((x) => x.sector)).to.deep.equal([CS, CS]);
    expect(target.statusLine()).to.equal(`${2 * CS}/${1 << 16} ${2 * CS}`);
    expect(target.snap.complete.size).to.equal(0);
    expect(target.merge.counters).to.include({ batches: 2, chunksMerged: 4 });
    expect(target.merge.running).to.equal(false);
    // The source snapshot handed its exceptions over and takes no more I/O.
    expect(s.target.statusLine()).to.equal('Invalid');
  });

  it('reads see the snapshot until a chunk is merged; a write to a chunk being merged waits for its batch', () => {
    const { s, md, target } = merged([7]);
    // Before the merge copy ends the read of chunk 7 goes to the COW chunk (2); chunk 8 to the origin.
    const r7 = s.io(md, 'read', 7 * CS, 8);
    const r8 = s.io(md, 'read', 8 * CS, 8);
    const w = s.io(md, 'write', 7 * CS, 8, 1000);
    s.sim.run();
    expect(r7.status).to.equal(null);
    expect(r8.status).to.equal(null);
    expect(target.merge.counters.heldWrites).to.equal(1);
    const copyEnd = s.origin.seen.find((x) => x.op === 'write' && x.sectors === CS)!.at;
    const heldWrite = s.origin.seen.filter((x) => x.op === 'write' && x.sectors === 8);
    expect(heldWrite).to.have.length(1);
    expect(heldWrite[0].sector).to.equal(7 * CS);
    expect(heldWrite[0].at).to.be.greaterThan(copyEnd);
    expect(w.tComplete).to.be.greaterThan(copyEnd);
    expect(s.cow.seen.some((x) => x.op === 'read' && x.sector === 2 * CS && x.sectors === 8)).to.equal(true);
    // After the merge every chunk is the origin's: a second read of chunk 7 goes there.
    const n = s.origin.seen.length;
    s.io(md, 'read', 7 * CS, 8, s.sim.now + 1);
    s.sim.run();
    expect(s.origin.seen.slice(n).map((x) => [x.op, x.sector])).to.deep.equal([['read', 7 * CS]]);
  });

  it('a transient snapshot cannot be merged; a merge stopped on suspend resumes where it was', () => {
    const t = snapStack({ chunk: CS, store: 'N' });
    expect(() => t.create('m', `0 ${1 << 16} snapshot-merge base-real cow P ${CS}`)).to.throw(/does not support snapshot-merge/);
    expect(() => t.create('m', `0 ${1 << 16} snapshot-merge base-real cow N ${CS}`)).to.throw(/transient \(N\) snapshot cannot be merged/);

    const { s, target } = merged([3, 20, 50]);
    s.sim.run({ until: target.ready! }); // resumed: the first batch's copy is in flight
    expect(target.merge.running).to.equal(true);
    target.merge.stop(); // presuspend: that batch finishes, no next one starts
    s.sim.run();
    expect(target.merge.running).to.equal(false);
    expect(target.merge.counters.batches).to.equal(1);
    expect(target.snap.complete.size).to.equal(2);
    const th = s.cpus.thread('resume2');
    th.spawn(() => target.resume());
    s.sim.run();
    expect(target.merge.counters.batches).to.equal(3);
    expect(target.snap.complete.size).to.equal(0);
  });

  it('another snapshot of the origin gets its exceptions before a batch overwrites the origin (origin_write_extent)', () => {
    const s = snapStack({ chunk: CS });
    const other = s.create('snap2', `0 ${1 << 16} snapshot base-real cow2 P ${CS}`);
    s.sim.run();
    [10, 40].forEach((c, i) => s.io(s.snap, 'write', c * CS, 8, s.sim.now + 1 + i * 3_000_000));
    s.sim.run();
    s.origin.seen.length = 0;
    s.cow2.seen.length = 0;
    const md = s.create('merge', `0 ${1 << 16} snapshot-merge base-real cow P ${CS}`);
    const target = md.targets[0].target as SnapshotMergeTarget;
    s.sim.run();
    const snap2 = (other.targets[0].target as unknown as { snap: { complete: { lookup(c: number): number | undefined } } }).snap;
    expect([snap2.complete.lookup(10), snap2.complete.lookup(40)].every((x) => x !== undefined)).to.equal(true);
    expect(target.merge.counters).to.include({ batches: 2, chunksMerged: 2 });
    expect(target.merge.counters.extentWaits).to.equal(2);
    // Each origin chunk reached snap2's COW before the merge overwrote it.
    for (const c of [10, 40]) {
      const saved = s.cow2.seen.find((x) => x.op === 'write' && x.sectors === CS && x.sector === snap2.complete.lookup(c)! * CS)!;
      const overwritten = s.origin.seen.find((x) => x.op === 'write' && x.sector === c * CS)!;
      expect(saved.at, `chunk ${c}`).to.be.lessThan(overwritten.at);
    }
  });
});
