import { expect } from 'chai';
import { Bio } from '../../../kernel-lib/block/bio.js';
import {
  DM_USERSPACE_MAP_BLOCK_REQ, DM_USERSPACE_STATUS, DM_USERSPACE_SYNC_COMPLETE, DMU_FLAG_COPY_FIRST, DMU_FLAG_RD,
  DMU_FLAG_SYNC, DMU_FLAG_WR, type DmuUpMessage,
} from '../../../kernel-lib/dm/userspace/protocol.js';
import { USERSPACE_COSTS as C } from '../../../kernel-lib/dm/userspace/costs.js';
import { refusal, submitAt } from '../targets/helpers.js';
import { dmuStack, mapResp, readUp, writeDown } from './helpers.js';

describe('dm/userspace target (dmu_map, remap_request)', () => {
  it('a bio to a block with a valid remap is remapped at once, with no message to the daemon', () => {
    const { sim, md, dmu, devs } = dmuStack();
    const first = submitAt(sim, md, 0, 'read', 80, 8); // block 10
    let up: DmuUpMessage[] = [];
    sim.process(function* () {
      yield sim.timeout(10_000);
      up = yield* readUp(dmu);
      yield* writeDown(dmu, [mapResp(up[0], 7)]);
    });
    sim.run();
    expect(up.map((m) => [m.type, m.block, m.flags])).to.deep.equal([[DM_USERSPACE_MAP_BLOCK_REQ, 10, DMU_FLAG_RD]]);
    expect(first.at).to.be.above(10_000);
    const messages = dmu.ctl.counters.messagesUp;
    const again = submitAt(sim, md, 0, 'write', 84, 4); // same block, the remap has WR
    sim.run();
    expect(again.at).to.be.a('number').and.not.NaN;
    expect(dmu.ctl.counters.messagesUp).to.equal(messages);
    expect(dmu.counters.remapHits).to.equal(1);
    expect(devs.sdc.seen.map((s) => [s.op, s.sector])).to.deep.equal([['read', 56], ['write', 60]]);
  });

  it('two bios to the same unmapped block make one request, and the answer releases both', () => {
    const { sim, md, dmu, devs } = dmuStack();
    const a = submitAt(sim, md, 0, 'read', 16, 4);
    const b = submitAt(sim, md, 0, 'read', 20, 4);
    let up: DmuUpMessage[] = [];
    sim.process(function* () {
      yield sim.timeout(10_000);
      up = yield* readUp(dmu);
      yield* writeDown(dmu, [mapResp(up[0], 3)]);
    });
    sim.run();
    expect(up).to.have.length(1);
    expect(dmu.counters.requests).to.equal(1);
    expect(dmu.counters.joinedRequest).to.equal(1);
    expect(a.at).to.not.be.NaN;
    expect(b.at).to.not.be.NaN;
    expect(devs.sdc.seen.map((s) => s.sector).sort((x, y) => x - y)).to.deep.equal([24, 28]);
  });

  it('a write joins a read request not yet sent (it becomes RW), but one already sent makes a new request', () => {
    const { sim, md, dmu } = dmuStack();
    submitAt(sim, md, 0, 'read', 0, 8);
    submitAt(sim, md, 1000, 'write', 0, 8);
    let up: DmuUpMessage[] = [];
    sim.process(function* () {
      yield sim.timeout(10_000);
      up = yield* readUp(dmu);
    });
    sim.run({ until: 20_000 });
    expect(up.map((m) => m.flags)).to.deep.equal([DMU_FLAG_RD | DMU_FLAG_WR]);
    expect(dmu.counters.upgradedRequest).to.equal(1);

    const s = dmuStack();
    submitAt(s.sim, s.md, 0, 'read', 0, 8);
    let first: DmuUpMessage[] = [];
    let second: DmuUpMessage[] = [];
    s.sim.process(function* () {
      yield s.sim.timeout(10_000);
      first = yield* readUp(s.dmu);
      yield s.sim.timeout(10_000);
      second = yield* readUp(s.dmu);
    });
    submitAt(s.sim, s.md, 15_000, 'write', 0, 8);
    s.sim.run({ until: 30_000 });
    expect(first.map((m) => m.flags)).to.deep.equal([DMU_FLAG_RD]);
    expect(second.map((m) => [m.block, m.flags])).to.deep.equal([[0, DMU_FLAG_RD | DMU_FLAG_WR]]);
    expect(second[0].id).to.not.equal(first[0].id);
  });

  it('a read remapped to the base without WR: a later write asks again, and the new remap replaces it', () => {
    const { sim, md, dmu, devs } = dmuStack();
    submitAt(sim, md, 0, 'read', 40, 8);
    sim.process(function* () {
      yield sim.timeout(10_000);
      const up = yield* readUp(dmu);
      yield* writeDown(dmu, [mapResp(up[0], 5, DMU_FLAG_RD, 'sdb')]);
      const w = submitAt(sim, md, 0, 'write', 40, 8);
      yield sim.timeout(10_000);
      const up2 = yield* readUp(dmu);
      expect(up2.map((m) => m.flags)).to.deep.equal([DMU_FLAG_RD | DMU_FLAG_WR]);
      yield* writeDown(dmu, [mapResp(up2[0], 9, DMU_FLAG_RD | DMU_FLAG_WR | DMU_FLAG_COPY_FIRST, 'sdc', 'sdb')]);
      yield sim.timeout(50_000_000);
      expect(w.at).to.not.be.NaN;
    });
    sim.run();
    expect(dmu.counters.replaced).to.equal(1);
    expect(dmu.remaps.count).to.equal(1);
    // COPY_FIRST: kcopyd read block 5 of the base, wrote block 9 of sdc, then the write went there.
    expect(devs.sdb.seen.map((s) => [s.op, s.sector])).to.deep.include(['read', 40]);
    const sdc = devs.sdc.seen.map((s) => [s.op, s.sector]);
    expect(sdc).to.deep.equal([['write', 72], ['write', 72]]);
  });

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

  it('with remapCache: list a lookup costs in proportion to the remaps stored', () => {
    // Unsolicited maps (id 0) fill the store; then the CPU time a miss spends in dmu_map
    // grows by nodeVisitNs per remap.
    const delayWith = (remaps: number, cache: string): number => {
      const { sim, md, dmu } = dmuStack({ 'userspace.remapCache': cache });
      sim.process(function* () {
        const msgs = [];
        for (let b = 0; b < remaps; b++) msgs.push(mapResp({ id: 0, block: 1000 + b }, b));
        yield* writeDown(dmu, msgs);
      });
      sim.run();
      let seen = NaN;
      sim.process(function* () {
        // dmu_map runs in the submitter: its CPU time is the time submit() takes here.
        const t0 = sim.now;
        yield* md.submit(new Bio('read', 0, 8));
        seen = sim.now - t0;
      });
      sim.run({ until: sim.now + 1_000_000 });
      return seen;
    };
    const l100 = delayWith(100, 'list');
    const l400 = delayWith(400, 'list');
    expect(l400 - l100).to.be.closeTo(300 * C.nodeVisitNs, 2);
    const h100 = delayWith(100, 'hash');
    const h400 = delayWith(400, 'hash');
    expect(h400 - h100).to.be.below(2 * C.nodeVisitNs);
  });

  it('an answer for a request id nobody asked for is an unsolicited map: inserted, nothing released', () => {
    const { sim, dmu } = dmuStack();
    sim.process(function* () {
      yield* writeDown(dmu, [mapResp({ id: 4242, block: 3 }, 1)]);
      yield* writeDown(dmu, [{ type: DM_USERSPACE_STATUS, id: 0, status: DM_USERSPACE_SYNC_COMPLETE, idOfOp: 77 }]);
    });
    sim.run();
    expect(dmu.counters.unsolicited).to.equal(1);
    expect(dmu.remaps.count).to.equal(1);
    expect(dmu.log).to.deep.equal(['device-mapper: dm-userspace: Unable to complete unknown request 77']);
  });

  it('an answer naming a device the table did not list fails its bios with EIO and says so', () => {
    const { sim, md, dmu } = dmuStack();
    const r = submitAt(sim, md, 0, 'read', 0, 8);
    sim.process(function* () {
      yield sim.timeout(10_000);
      const up = yield* readUp(dmu);
      yield* writeDown(dmu, [mapResp(up[0], 1, DMU_FLAG_RD, '8:99')]);
    });
    sim.run();
    expect(r.bio.status).to.equal('EIO');
    expect(dmu.log).to.deep.equal(['device-mapper: dm-userspace: Failed to find dest device 8:99']);
  });

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

  it('refuses tables as dmu_ctr does, and a block size that is not a power of two', () => {
    const { create } = dmuStack({}, '0 80000 userspace k 4096 sdb sdc');
    expect(refusal(() => create('0 100 userspace k2 4096'))).to.match(/userspace: Invalid argument count/);
    expect(refusal(() => create('0 100 userspace k3 3000 sdb'))).to.match(/^t\.yaml:1: block_size: userspace: <block_size> must be a power of two number of bytes, at least 512, got 3000/);
    expect(refusal(() => create('0 100 userspace k 8192 sdb'))).to.match(/Invalid block size: key 'k' has 4096/);
    expect(refusal(() => create('0 100 userspace k4 4096 sdz'))).to.match(/no device 'sdz'/);
  });
});
