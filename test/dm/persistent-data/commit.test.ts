import { expect } from 'chai';
import { checkMetadata, type CommitMode } from '../../../kernel-lib/dm/persistent-data/index.js';
import type { BufioLocking } from '../../../kernel-lib/dm/bufio/index.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { makeMetadata, runProcess } from './helpers.js';

const US = 1_000;

describe('dm/persistent-data commit', () => {
  it('blocking: all dirty blocks, flush, then the superblock, flush; the media holds the committed tree', () => {
    const sim = new Simulation();
    // 'percent' writeback: nothing is written before the commit (under 'ratio' an all-new
    // cache, with no clean buffer, is written back as it fills).
    const { md, dev } = makeMetadata(sim, { bufio: { writeback: 'percent' } });
    dev.record = true;
    const t = md.btree({ size: 8 });
    runProcess(sim, function* () {
      yield* md.format();
      let root = yield* t.empty();
      for (let k = 0; k < 3000; k++) root = yield* t.insert(root, k * 7, k);
      md.roots.set('t', root);
      dev.seen.length = 0;
      yield* md.commit();
    });
    const ops = dev.seen.map((s) => (s.op === 'flush' ? 'F' : s.sector === 0 ? 'S' : 'w'));
    const firstFlush = ops.indexOf('F');
    expect(ops.slice(0, firstFlush).every((o) => o === 'w')).to.equal(true);
    expect(firstFlush).to.be.greaterThan(10);
    expect(ops.slice(firstFlush)).to.deep.equal(['F', 'S', 'F']);
    const check = checkMetadata(md.bufio.media);
    expect(check.problems).to.deep.equal([]);
    expect(check.generation).to.equal(2); // format's commit, then this one
    expect(check.trees.t.size).to.equal(3000);
    expect(check.trees.t.get(7 * 2999)).to.equal(2999);
  });

  // A writer that starts inserting while a commit of many dirty blocks is in flight, on a
  // device that writes one 4 KiB block per 100 us and queues at most 8 requests (a submitter
  // sleeps while the queue is full).
  function race(commit: CommitMode, locking: BufioLocking) {
    const sim = new Simulation({ seed: 3 });
    const { md } = makeMetadata(sim, { commit, bufio: { locking, writeback: 'percent' }, serviceNs: 100 * US, boundedQueue: 8 });
    const t = md.btree({ size: 8 });
    const rng = sim.rng('k');
    let root = 0;
    let commitStart = NaN;
    let commitEnd = NaN;
    const committedKeys = new Set<number>();
    const writerDone: number[] = [];
    runProcess(sim, function* () {
      yield* md.format();
      root = yield* t.empty();
      for (let k = 0; k < 20_000; k++) root = yield* t.insert(root, k * 10, k);
      md.roots.set('t', root);
      yield* md.commit();
      for (let i = 0; i < 2000; i++) {
        const k = rng.integer(0, 20_000) * 10 + 1;
        root = yield* t.insert(root, k, -1);
        committedKeys.add(k);
      }
      md.roots.set('t', root);
    });
    sim.process(function* () {
      commitStart = sim.now;
      yield* md.commit();
      commitEnd = sim.now;
    });
    sim.process(function* () {
      yield sim.timeout(10 * US);
      for (let i = 0; i < 20; i++) {
        root = yield* t.insert(root, 5 + i * 10_000, 0);
        md.roots.set('t', root);
        writerDone.push(sim.now - commitStart);
      }
    });
    sim.run();
    return { md, commitNs: commitEnd - commitStart, writerDone, committedKeys };
  }

  it('blocking under 3.2: a writer needing the client lock waits for the commit I/O', () => {
    const r = race('blocking', '3.2');
    // Over a hundred dirty leaves at 100 us each: the commit takes over 10 ms.
    expect(r.commitNs).to.be.greaterThan(100 * 100 * US);
    // The writer's first insert finishes only near the end of the commit's writes.
    expect(r.writerDone[0]).to.be.greaterThan(r.commitNs / 2);
  });

  it('cow: the writer goes on during the commit, and the media holds exactly the frozen transaction', () => {
    const r = race('cow', '3.2');
    expect(r.commitNs).to.be.greaterThan(100 * 100 * US);
    // All 20 inserts are done well before the commit's writes are (they shadow the frozen
    // blocks into new ones; a miss would cost one 100 us read queued behind the commit's writes).
    expect(r.writerDone[19]).to.be.lessThan(r.commitNs / 4);
    const check = checkMetadata(r.md.bufio.media);
    expect(check.problems).to.deep.equal([]);
    const keys = check.trees.t;
    for (const k of r.committedKeys) expect(keys.has(k), `key ${k}`).to.equal(true);
    for (let i = 0; i < 20; i++) expect(keys.has(5 + i * 10_000)).to.equal(false);
  });

  it('cow: the next commit carries the writer\'s changes and leaves a consistent tree', () => {
    const sim = new Simulation({ seed: 5 });
    const { md } = makeMetadata(sim, { commit: 'cow', serviceNs: 50 * US, queueDepth: 4 });
    const t = md.btree({ size: 8 });
    let root = 0;
    const ref = new Map<number, number>();
    runProcess(sim, function* () {
      yield* md.format();
      root = yield* t.empty();
      md.roots.set('t', root);
    });
    const rng = sim.rng('k');
    sim.process(function* () {
      for (let i = 0; i < 30_000; i++) {
        const k = rng.integer(0, 1_000_000);
        root = yield* t.insert(root, k, i);
        md.roots.set('t', root);
        ref.set(k, i);
        if (i % 500 === 0) yield sim.timeout(1_000 * US);
      }
    });
    sim.process(function* () {
      for (let c = 0; c < 10; c++) {
        yield sim.timeout(5_000_000 * US / 10);
        yield* md.commit();
        const check = checkMetadata(md.bufio.media);
        expect(check.problems).to.deep.equal([]);
      }
    });
    sim.run();
    runProcess(sim, function* () {
      yield* md.commit();
    });
    const check = checkMetadata(md.bufio.media);
    expect(check.problems).to.deep.equal([]);
    expect(check.trees.t.size).to.equal(ref.size);
    for (const [k, v] of ref) expect(check.trees.t.get(k)).to.equal(v);
  });
});
