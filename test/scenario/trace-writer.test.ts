import { expect } from 'chai';
import { Bio, REQ_FUA, REQ_PREFLUSH, REQ_SYNC } from '../../kernel-lib/block/bio.js';
import { CpuSet } from '../../kernel-lib/sim/cpu.js';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { BlockTrace, rwbs } from '../../kernel-lib/scenario/trace-writer.js';
import { FakeDevice } from '../dm/fake-device.js';

describe('scenario/trace-writer', () => {
  it('spells RWBS as blktrace does', () => {
    expect(rwbs(new Bio('write', 0, 8, REQ_SYNC))).to.equal('WS');
    expect(rwbs(new Bio('write', 0, 8, REQ_SYNC | REQ_FUA | REQ_PREFLUSH))).to.equal('FWFS');
    expect(rwbs(new Bio('read', 0, 8))).to.equal('R');
    expect(rwbs(new Bio('flush', 0, 0, REQ_PREFLUSH))).to.equal('FN');
    expect(rwbs(new Bio('discard', 0, 8))).to.equal('D');
  });

  it('writes Q, M, D and C lines in time order with the submitter\'s CPU and process', () => {
    const sim = new Simulation();
    const cpus = new CpuSet(sim, { cores: 2 });
    const trace = new BlockTrace(sim);
    const inner = new FakeDevice(sim, 'sda', 1 << 20, 1000);
    // A device whose queue "merges" the second bio: its merge counter moves during submit.
    const submit = inner.submit.bind(inner);
    let n = 0;
    inner.submit = function* (bio) {
      if (n++ === 1) (inner as unknown as { stats: { writeMerges: number } }).stats.writeMerges++;
      yield* submit(bio);
    };
    const dev = trace.wrap(inner);
    const t = cpus.thread('fio/j.0', { pin: 1 });
    t.spawn(function* () {
      yield t.exec(500);
      for (const sector of [0, 8]) {
        const b = new Bio('write', sector, 8, REQ_SYNC);
        b.thread = t;
        b.cpu = 1;
        yield* dev.submit(b);
      }
    });
    sim.run();
    const lines = trace.text().trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[6])).to.deep.equal(['Q', 'Q', 'M', 'D', 'D', 'C', 'C']);
    expect(lines[0]).to.equal('  8,0    1        1     0.000000500  1000  Q  WS 0 + 8 [fio]');
    expect(lines[5]).to.equal('  8,0    1        6     0.000001500  1000  C  WS 0 + 8 [0]');
  });
});
