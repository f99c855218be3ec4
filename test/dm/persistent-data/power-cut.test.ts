// Power cuts against persistent-data's commit: with the flush between a commit's blocks and
// its superblock, a cut at any instant leaves a consistent metadata device holding the last
// commit that completed (or a later one); without it (pdata.commitFlush: false, for study
// only), some cuts leave a superblock naming blocks that never reached the media.
import { expect } from 'chai';
import type { Bio } from '../../../kernel-lib/block/bio.js';
import { PowerCut } from '../../../kernel-lib/block/power-cut.js';
import { checkMetadata, type MetadataCheck } from '../../../kernel-lib/dm/persistent-data/index.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { makeMetadata } from './helpers.js';

const US = 1_000;

interface Outcome {
  probes: number;
  inconsistent: number;
  /** Probes that found an older generation than the last commit that had completed. */
  lostCommits: number;
  /** Probes whose tree differs from the one committed at the generation found. */
  wrongContent: number;
  firstProblem: string;
  generations: number;
}

function run(commitFlush: boolean, commit: 'blocking' | 'cow', times: readonly number[]): { outcome: Outcome; end: number } {
  const sim = new Simulation({ seed: 11 });
  const pc = new PowerCut(sim);
  // Writes take 20 us; a flush 1 ms (it destages the drive's cache).
  const service = (bio: Bio) => (bio.op === 'flush' ? 1000 * US : 20 * US);
  const { md } = makeMetadata(sim, { commit, commitFlush, powerCut: pc, serviceNs: service, bufio: { writeback: 'percent' } });
  const t = md.btree({ size: 8 });
  const rng = sim.rng('keys');
  const committed = new Map<number, Map<number, number>>(); // generation -> its tree
  let lastDone = -1;
  const live = new Map<number, number>();
  const writer = sim.process(function* () {
    yield* md.format();
    let root = yield* t.empty();
    for (let c = 0; c < 40; c++) {
      for (let i = 0; i < 300; i++) {
        const k = rng.integer(0, 1_000_000);
        root = yield* t.insert(root, k, c);
        live.set(k, c);
        yield sim.timeout(5 * US);
      }
      md.roots.set('t', root);
      const snapshot = new Map(live);
      const gen = md.generation + 1;
      committed.set(gen, snapshot);
      yield* md.commit();
      lastDone = gen;
    }
  });
  const out: Outcome = { probes: 0, inconsistent: 0, lostCommits: 0, wrongContent: 0, firstProblem: '', generations: 0 };
  for (const at of times) {
    sim.run({ until: at });
    if (writer.processed) throw new Error(`the run ended before the cut at ${at} ns`);
    if (md.generation < 1 || lastDone < 1) continue; // not formatted yet
    out.probes++;
    pc.probe(() => {
      const check: MetadataCheck = checkMetadata(md.bufio.media.durableView());
      if (!check.ok) {
        out.inconsistent++;
        out.firstProblem ||= check.problems[0];
        return;
      }
      if (check.generation < lastDone) out.lostCommits++;
      const want = committed.get(check.generation);
      if (want !== undefined) {
        const got = check.trees.t;
        let same = got !== undefined && got.size === want.size;
        if (same) for (const [k, v] of want) if (got.get(k) !== v) same = false;
        if (!same) out.wrongContent++;
      }
    });
  }
  sim.run({ until: writer });
  out.generations = lastDone;
  return { outcome: out, end: sim.now };
}

/** 1,000 instants from a seeded stream, uniform over the run (measured by a first run without cuts). */
function cuts(commitFlush: boolean, commit: 'blocking' | 'cow'): Outcome {
  const { end } = run(commitFlush, commit, []);
  const instants = new Simulation({ seed: 12 }).rng('power-cut-instants');
  const times: number[] = [];
  for (let i = 0; i < 1000; i++) times.push(instants.uniform(0, end));
  times.sort((a, b) => a - b);
  return run(commitFlush, commit, times).outcome;
}

describe('dm/persistent-data power cuts', function () {
  this.timeout(0);

  for (const commit of ['blocking', 'cow'] as const) {
    it(`${commit}: with the flush before the superblock, every cut leaves the last completed commit, consistent`, () => {
      const o = cuts(true, commit);
      expect(o.probes).to.be.greaterThan(900); // the rest fell before the first commit completed
      expect(o.generations).to.be.greaterThan(20);
      expect(o.firstProblem).to.equal('');
      expect(o.inconsistent).to.equal(0);
      expect(o.lostCommits).to.equal(0);
      expect(o.wrongContent).to.equal(0);
    });

    it(`${commit}: pdata.commitFlush false (the broken order) is caught: some cuts leave a superblock without its blocks`, () => {
      const o = cuts(false, commit);
      expect(o.probes).to.be.greaterThan(900); // the rest fell before the first commit completed
      expect(o.inconsistent).to.be.greaterThan(0);
      expect(o.firstProblem).to.match(/not on the media|counted less/);
    });
  }
});
