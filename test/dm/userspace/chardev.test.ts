import { expect } from 'chai';
import { submitAt } from '../targets/helpers.js';
import { dmuStack, readUp } from './helpers.js';

describe('dm/userspace chardev transport (dmu_ctl_read)', () => {
  it('a read buffer smaller than one message reads nothing; a whole one reads FIFO, stopping at the first that does not fit', () => {
    const { sim, md, dmu } = dmuStack();
    for (let b = 0; b < 3; b++) submitAt(sim, md, 0, 'read', b * 8, 8);
    const got: number[][] = [];
    sim.process(function* () {
      yield sim.timeout(10_000);
      got.push((yield* readUp(dmu, 27)).map((m) => m.block));
      got.push((yield* readUp(dmu, 28 * 2 + 27)).map((m) => m.block));
      got.push((yield* readUp(dmu, 4096)).map((m) => m.block));
    });
    sim.run({ until: 100_000 });
    expect(got).to.deep.equal([[], [0, 1], [2]]);
  });
});
