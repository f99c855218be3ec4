import { expect } from 'chai';
import {
  DM_USERSPACE_INVAL_COMPLETE, DM_USERSPACE_INVAL_FAILED, DM_USERSPACE_MAP_INVALIDATE, DM_USERSPACE_STATUS, type DmuUpMessage,
} from '../../../kernel-lib/dm/userspace/protocol.js';
import { submitAt } from '../targets/helpers.js';
import { dmuStack, mapResp, readUp, writeDown } from './helpers.js';

describe('dm/userspace chardev transport (dmu_ctl_read, dmu_ctl_write)', () => {
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

  it('MAP_INVALIDATE drops a valid remap and answers INVAL_COMPLETE; an unknown block gets INVAL_FAILED', () => {
    const { sim, md, dmu } = dmuStack();
    submitAt(sim, md, 0, 'read', 0, 8);
    let answers: DmuUpMessage[] = [];
    sim.process(function* () {
      yield sim.timeout(10_000);
      const up = yield* readUp(dmu);
      yield* writeDown(dmu, [mapResp(up[0], 4)]);
      yield sim.timeout(10_000);
      yield* writeDown(dmu, [
        { type: DM_USERSPACE_MAP_INVALIDATE, id: 11, block: 0 },
        { type: DM_USERSPACE_MAP_INVALIDATE, id: 12, block: 99 },
      ]);
      answers = yield* readUp(dmu);
    });
    sim.run();
    expect(answers.map((m) => [m.type, m.status, m.id, m.block])).to.deep.equal([
      [DM_USERSPACE_STATUS, DM_USERSPACE_INVAL_COMPLETE, 11, 0],
      [DM_USERSPACE_STATUS, DM_USERSPACE_INVAL_FAILED, 12, 99],
    ]);
    expect(dmu.remaps.count).to.equal(0);
    // The block has no remap any more: the next bio asks the daemon again.
    const before = dmu.counters.requests;
    submitAt(sim, md, 0, 'read', 0, 8);
    sim.run({ until: sim.now + 100_000 });
    expect(dmu.counters.requests).to.equal(before + 1);
  });
});
