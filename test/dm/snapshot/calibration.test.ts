// Calibration checks (calibration.md §3 and §1) and determinism. The 2019 null_blk rows run
// 20 ms of simulated fio each; tolerance 25%. Rows the model misses are listed as pending
// with what it gave, for the report; they are not tuned here (costs.ts is calibrated once).
// The 2007 dd rows need ~100-300 s of simulated disk time (6 s of wall time for the 8 KiB
// cell), so the test runs a 300 MB dd with 128 MiB of RAM: it checks the ordering the
// published table shows, and the published 30% check is pending with the full-size numbers.
import { expect } from 'chai';
import { runScenario } from '../../../kernel-lib/scenario/run.js';
import { dd2007, NULL_BLK_2019_PUBLISHED, nullBlk2019 } from './scenarios.js';

/** What the model gave for the rows it misses (full runs, when this file was written); none now. */
const MISSES: Record<string, string> = {};

describe('dm-snapshot calibration', function () {
  this.timeout(120_000);
  for (const p of NULL_BLK_2019_PUBLISHED) {
    for (const engine of ['psync', 'libaio'] as const) {
      const want = engine === 'psync' ? p.latUs : p.iops;
      const title = `2019 null_blk origin writes, ${p.jobs} job(s), ${engine}: ${want} ${engine === 'psync' ? 'us' : 'IOPS'} within 25%`;
      const miss = MISSES[`${engine} ${p.jobs}`];
      if (miss !== undefined) {
        it.skip(`${title} [model gives ${miss}]`);
        continue;
      }
      it(title, () => {
        const r = runScenario(nullBlk2019(p.jobs, engine, 20));
        const w = r.fio!.jobs[0].write;
        const got = engine === 'psync' ? w.lat_ns.mean / 1e3 : w.iops;
        expect(got).to.be.within(want * 0.75, want * 1.25);
      });
    }
  }

  it('2007 dd (300 MB, 128 MiB RAM): the snapshot is far slower than the bare volume, 512 KiB chunks faster than 8 KiB', () => {
    const mbs = (layout: 'none' | 'same', chunk: number) => {
      const r = runScenario(dd2007(layout, chunk, 300, { 'pagecache.ram_mib': 128 }));
      return r.dd!.bytes / r.dd!.seconds / 1e6;
    };
    const bare = mbs('none', 0);
    const small = mbs('same', 8);
    const large = mbs('same', 512);
    expect(small).to.be.below(bare / 5);
    expect(large).to.be.above(small * 1.5);
  });

  it.skip('2007 dd 1000 MB, each snapshot cell within 30% [model on MACHINE_2007: same/8K 1.79 (pub 1.1, +63%), same/512K 6.43 (4.0, +61%), separate/8K 1.65 (1.2, +37%), separate/512K 15.4 (5.6, +175%); bare volume 86.7 (45.4)]');

  it('is deterministic: the same scenario and seed give the same results', () => {
    const a = runScenario(nullBlk2019(2, 'libaio', 5, { kernel: '2.6.21' }));
    const b = runScenario(nullBlk2019(2, 'libaio', 5, { kernel: '2.6.21' }));
    expect(a.fio!.jobs[0].write.iops).to.equal(b.fio!.jobs[0].write.iops);
    expect(a.dmsim.events).to.equal(b.dmsim.events);
    expect(a.dmsim.simulated_ns).to.equal(b.dmsim.simulated_ns);
  });
});
