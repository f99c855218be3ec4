import { expect } from 'chai';
import { DM_USERSPACE_STATUS, DM_USERSPACE_SYNC_COMPLETE, DMU_FLAG_COPY_FIRST, DMU_FLAG_RD, DMU_FLAG_WR } from '../../../kernel-lib/dm/userspace/protocol.js';
import { submitAt } from '../targets/helpers.js';
import { dmuStack, mapResp, readUp, writeDown } from './helpers.js';

describe('dm/userspace remap_request', () => {
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

  it('an answer for a block whose remap is still copying joins it when it agrees (merge), else waits behind it (chain)', () => {
    const both = (secondNewBlock: number) => {
      const { sim, md, dmu, devs } = dmuStack();
      const r = submitAt(sim, md, 0, 'read', 0, 8);
      let w = r;
      sim.process(function* () {
        yield sim.timeout(10_000);
        const up1 = yield* readUp(dmu); // the read's request, sent
        w = submitAt(sim, md, 0, 'write', 0, 8); // a write to the same block: a new request
        yield sim.timeout(10_000);
        const up2 = yield* readUp(dmu);
        const rw = DMU_FLAG_RD | DMU_FLAG_WR;
        yield* writeDown(dmu, [mapResp(up1[0], 9, rw | DMU_FLAG_COPY_FIRST, 'sdc', 'sdb'), mapResp(up2[0], secondNewBlock, rw)]);
      });
      sim.run();
      return { dmu, r, w, sdc: devs.sdc.seen.map((x) => [x.op, x.sector]) };
    };
    const merged = both(9);
    expect(merged.dmu.counters.merged).to.equal(1);
    expect(merged.r.at).to.not.be.NaN;
    expect(merged.w.at).to.not.be.NaN;
    expect(merged.sdc).to.deep.equal([['write', 72], ['read', 72], ['write', 72]]);
    const chained = both(10);
    expect(chained.dmu.counters.chained).to.equal(1);
    expect(chained.w.at).to.be.above(chained.r.at);
    // The copy to block 9, the read there, then the chained remap sends the write to block 10.
    expect(chained.sdc).to.deep.equal([['write', 72], ['read', 72], ['write', 80]]);
    expect(chained.dmu.remaps.count).to.equal(1);
  });
});
