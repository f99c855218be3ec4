import { expect } from 'chai';
import { REQ_FUA, REQ_PREFLUSH, REQ_SYNC } from '../../../kernel-lib/block/bio.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { parseBlkparse, TraceReplay, type TraceRecord } from '../../../kernel-lib/workload/trace/index.js';
import { FakeDevice } from '../../dm/fake-device.js';

const recs = (n: number, gapNs: number): TraceRecord[] =>
  Array.from({ length: n }, (_, i) => ({ timeNs: i * gapNs, op: i % 2 ? 'write' : 'read', sector: i * 8, sectors: 8, sync: false }));

describe('workload/trace/replay', () => {
  it('timed: issues at the trace\'s times (scaled by speed), whatever is in flight', () => {
    const sim = new Simulation();
    const dev = new FakeDevice(sim, 'd', 1 << 20, 1_000_000);
    const r = new TraceReplay(sim, null, dev, recs(10, 100_000), { mode: 'timed', iodepth: 1, speed: 2 });
    sim.run({ until: r.start() });
    expect(dev.seen.map((s) => s.at)).to.deep.equal(Array.from({ length: 10 }, (_, i) => i * 50_000));
    expect(dev.maxInFlight).to.equal(10);
    expect(sim.now).to.equal(9 * 50_000 + 1_000_000);
  });

  it('blkparse\'s F before W is a preflush, after it FUA: the replayed writes carry them', () => {
    const text = ['FWS 0 + 8', 'WFS 8 + 8', 'FWFS 16 + 8', 'WS 24 + 8', 'FN 0 + 0'].map((x, i) => `  8,0 0 ${i + 1} 0.00000${i + 1}000 5 Q ${x} [jbd2]`).join('\n');
    const records = parseBlkparse(text, 't');
    expect(records.map((r) => [r.op, r.preflush === true, r.fua === true])).to.deep.equal([
      ['write', true, false],
      ['write', false, true],
      ['write', true, true],
      ['write', false, false],
      ['flush', false, false],
    ]);
    const sim = new Simulation();
    const dev = new FakeDevice(sim, 'd', 1 << 20, 1000);
    sim.run({ until: new TraceReplay(sim, null, dev, records, { mode: 'closed', iodepth: 1, speed: 1 }).start() });
    const f = (x: number) => [(x & REQ_PREFLUSH) !== 0, (x & REQ_FUA) !== 0, (x & REQ_SYNC) !== 0];
    expect(dev.seen.map((x) => f(x.flags))).to.deep.equal([
      [true, false, true],
      [false, true, true],
      [true, true, true],
      [false, false, true],
      [true, false, false],
    ]);
  });

  it('closed: keeps iodepth in flight and ignores the timing', () => {
    const sim = new Simulation();
    const dev = new FakeDevice(sim, 'd', 1 << 20, 1_000_000);
    const r = new TraceReplay(sim, null, dev, recs(12, 1e9), { mode: 'closed', iodepth: 4, speed: 1 });
    sim.run({ until: r.start() });
    expect(dev.maxInFlight).to.equal(4);
    expect(sim.now).to.equal(3_000_000);
    const rep = r.report();
    expect(rep.stats.dir[0].totalIos + rep.stats.dir[1].totalIos).to.equal(12);
  });

  it('wraps requests past the end of a smaller device', () => {
    const sim = new Simulation();
    const dev = new FakeDevice(sim, 'd', 100, 1000);
    const r = new TraceReplay(sim, null, dev, [{ timeNs: 0, op: 'read', sector: 250, sectors: 8, sync: false }], { mode: 'closed', iodepth: 1, speed: 1 });
    sim.run({ until: r.start() });
    expect(dev.seen[0].sector).to.equal(250 % 93);
  });
});
