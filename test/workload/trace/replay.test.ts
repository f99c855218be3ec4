import { expect } from 'chai';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { TraceReplay, type TraceRecord } from '../../../kernel-lib/workload/trace/index.js';
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
