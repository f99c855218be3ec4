import { expect } from 'chai';
import { BlockMarks } from '../../../kernel-lib/dm/persistent-data/block-marks.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';

describe('dm/persistent-data block marks', () => {
  it('agrees with a Set over random adds, deletes and clears', () => {
    const rng = new Simulation({ seed: 5 }).rng('marks');
    const N = 70_000; // not a multiple of 32: the last word is partly used
    const marks = new BlockMarks(N);
    let ref = new Set<number>();
    const disagree: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      const b = rng.integer(0, N - 1);
      const r = rng.random();
      if (r < 0.6) {
        marks.add(b);
        ref.add(b);
      } else if (r < 0.9) {
        marks.delete(b);
        ref.delete(b);
      } else if (r < 0.9002) {
        marks.clear();
        ref = new Set();
      }
      if (marks.has(b) !== ref.has(b)) disagree.push(`op ${i}: block ${b}`);
    }
    for (let b = 0; b < N; b++) if (marks.has(b) !== ref.has(b)) disagree.push(`end: block ${b}`);
    expect(disagree).to.deep.equal([]);
    marks.clear();
    for (let b = 0; b < N; b++) if (marks.has(b)) disagree.push(`after clear: block ${b}`);
    expect(disagree).to.deep.equal([]);
  });

  it('take() hands over the marks in marking order and leaves the set empty', () => {
    const marks = new BlockMarks(1000);
    for (const b of [7, 3, 999, 3, 64]) marks.add(b);
    const taken = marks.take();
    marks.add(5); // what was taken is the caller's: later marks do not touch it
    expect(taken).to.deep.equal([7, 3, 999, 64]);
    expect([7, 3, 999, 64].filter((b) => marks.has(b))).to.deep.equal([]);
    expect(marks.list).to.deep.equal([5]);
  });
});
