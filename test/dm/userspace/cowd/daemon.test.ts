import { expect } from 'chai';
import { cowdOf } from '../../../../kernel-lib/dm/userspace/cowd/daemon.js';
import { refusal, submitAt } from '../../targets/helpers.js';
import { dmuStack } from '../helpers.js';

/** A stack served by cowd: sdb is the base image, sdc the qcow image. */
function served(params: Record<string, unknown> = {}) {
  const s = dmuStack({ 'cowd.start': true, ...params });
  s.sim.run({ until: s.target.ready! });
  return { ...s, cowd: cowdOf(s.dmu)! };
}

describe('dm/userspace/cowd (the daemon and its qcow plugin)', () => {
  it('a read of an unallocated cluster goes to the same block of the base image, with no allocation', () => {
    const { sim, md, devs, cowd } = served();
    const r = submitAt(sim, md, 0, 'read', 800, 8);
    sim.run({ until: sim.now + 10_000_000 });
    expect(r.at).to.not.be.NaN;
    expect(devs.sdb.seen.map((s) => [s.op, s.sector])).to.deep.equal([['read', 800]]);
    expect(cowd.counters.toBase).to.equal(1);
    expect(cowd.qcow.counters.clustersAllocated).to.equal(0);
  });

  it('a first write allocates a cluster at the end of the image and copies the base block there first', () => {
    const { sim, md, devs, cowd, dmu } = served();
    const end0 = cowd.qcow.fileEnd;
    const w = submitAt(sim, md, 0, 'write', 800, 8);
    sim.run({ until: sim.now + 50_000_000 });
    expect(w.at).to.not.be.NaN;
    // A new L2 table, then the data cluster, appended.
    expect(cowd.qcow.counters.l2Allocated).to.equal(1);
    expect(cowd.qcow.counters.clustersAllocated).to.equal(1);
    const cluster = (end0 + 4096) / 4096;
    expect(devs.sdb.seen.some((s) => s.op === 'read' && s.sector === 800), 'the copy read the base block').to.equal(true);
    const writes = devs.sdc.seen.filter((s) => s.op === 'write' && s.sector === cluster * 8);
    expect(writes, 'the copy, then the bio').to.have.length(2);
    expect(dmu.counters.copies).to.equal(1);
    // A second write to the block: remapped in the kernel, no new request.
    const requests = dmu.counters.requests;
    submitAt(sim, md, 0, 'write', 804, 4);
    sim.run({ until: sim.now + 10_000_000 });
    expect(dmu.counters.requests).to.equal(requests);
  });

  it('with notify: sleep a request waits for the daemon\'s next wake-up (a timer tick); with poll it is answered at once', () => {
    const latency = (notify: string): [number, number] => {
      const { sim, md } = served({ 'userspace.notify': notify });
      const r = submitAt(sim, md, 300_000, 'read', 0, 8);
      const t0 = sim.now + 300_000;
      sim.run({ until: sim.now + 20_000_000 });
      return [r.at - t0, r.at];
    };
    const [polled] = latency('poll');
    const [slept, doneAt] = latency('sleep');
    expect(polled).to.be.below(100_000);
    // The daemon went to sleep when it became ready: usleep(1000) with HZ=1000 wakes it on
    // the first tick at least 2 ms later; the request, made 0.3 ms in, waits for that tick.
    expect(slept).to.be.above(1_000_000);
    expect(slept).to.be.below(3_000_000);
    expect(doneAt % 1_000_000, 'answered just after a tick').to.be.below(100_000);
  });

  it('a read buffer smaller than one message is refused with the parameter named', () => {
    expect(refusal(() => dmuStack({ 'cowd.start': true, 'cowd.readBuffer': 20 }))).to.match(
      /cowd\.readBuffer: userspace: a read buffer of 20 bytes cannot hold one message \(28 bytes/,
    );
    expect(refusal(() => dmuStack({ 'userspace.remapCache': 'tree' }))).to.match(/userspace\.remapCache: userspace: expected one of "hash", "list", got "tree"/);
  });
});
