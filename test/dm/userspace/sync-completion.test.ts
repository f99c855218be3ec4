import { expect } from 'chai';
import { DM_USERSPACE_STATUS, DM_USERSPACE_SYNC_COMPLETE, DMU_FLAG_RD, DMU_FLAG_SYNC, DMU_FLAG_WR, type DmuUpMessage } from '../../../kernel-lib/dm/userspace/protocol.js';
import { submitAt } from '../targets/helpers.js';
import { dmuStack, mapResp, readUp, writeDown } from './helpers.js';

describe('dm/userspace SYNC completions (dmu_end_io, sync_complete)', () => {
  it('a SYNC remap holds the write\'s completion until the daemon answers SYNC_COMPLETE', () => {
    const { sim, md, dmu } = dmuStack();
    const w = submitAt(sim, md, 0, 'write', 8, 8);
    let status: DmuUpMessage[] = [];
    let heldUntil = 0;
    sim.process(function* () {
      yield sim.timeout(10_000);
      const up = yield* readUp(dmu);
      yield* writeDown(dmu, [mapResp(up[0], 2, DMU_FLAG_RD | DMU_FLAG_WR | DMU_FLAG_SYNC)]);
      yield sim.timeout(1_000_000);
      expect(w.at, 'held').to.be.NaN;
      status = yield* readUp(dmu);
      heldUntil = sim.now;
      yield* writeDown(dmu, [{ type: DM_USERSPACE_STATUS, id: 0, status: DM_USERSPACE_SYNC_COMPLETE, idOfOp: status[0].id }]);
    });
    sim.run();
    expect(status.map((m) => [m.type, m.status])).to.deep.equal([[DM_USERSPACE_STATUS, DM_USERSPACE_SYNC_COMPLETE]]);
    expect(status[0].id).to.equal(dmu.counters.requests + 1); // the remap's id: the request's
    expect(w.at).to.be.at.least(heldUntil);
    expect(dmu.counters.syncHeld).to.equal(1);
    expect(dmu.counters.syncCompleted).to.equal(1);
  });
});
