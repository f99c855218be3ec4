import { expect } from 'chai';
import { Bio } from '../../../kernel-lib/block/bio.js';
import { DM_USERSPACE_MAP_BLOCK_REQ, DMU_FLAG_RD, DMU_FLAG_WR, type DmuUpMessage } from '../../../kernel-lib/dm/userspace/protocol.js';
import { USERSPACE_COSTS as C } from '../../../kernel-lib/dm/userspace/costs.js';
import { refusal, submitAt } from '../targets/helpers.js';
import { dmuStack, mapResp, readUp, writeDown } from './helpers.js';

describe('dm/userspace target (dmu_map)', () => {
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

  it('refuses tables as dmu_ctr does, and a block size that is not a power of two', () => {
    const { create } = dmuStack({}, '0 80000 userspace k 4096 sdb sdc');
    expect(refusal(() => create('0 100 userspace k2 4096'))).to.match(/userspace: Invalid argument count/);
    expect(refusal(() => create('0 100 userspace k3 3000 sdb'))).to.match(/^t\.yaml:1: block_size: userspace: <block_size> must be a power of two number of bytes, at least 512, got 3000/);
    expect(refusal(() => create('0 100 userspace k 8192 sdb'))).to.match(/Invalid block size: key 'k' has 4096/);
    expect(refusal(() => create('0 100 userspace k4 4096 sdz'))).to.match(/no device 'sdz'/);
  });
});
