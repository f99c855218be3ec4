// The 2019 dm-snapshot rows on null_blk (docs/references.md#snapshot-null-blk-2019): origin
// writes before the locking change, 1 to 8 jobs, psync latency and QD32 IOPS, 20 ms of
// simulated fio each, tolerance 25%. dm-snapshot's and kcopyd's costs were fitted to these
// rows, so they are regression guards; the predictions for the other locking and kcopyd
// designs are the snapshot study's (notebooks/snapshot-why-writes-slow-down.ipynb).
import { expect } from 'chai';
import { runScenario } from '../../../kernel-lib/scenario/run.js';
import { NULL_BLK_2019_PUBLISHED, nullBlk2019 } from '../../../kernel-lib/scenario/calibration/snapshot-null-blk-2019.js';
import { checkRow } from './miss.js';

const TOLERANCE = 0.25;

describe('scenario/calibration/snapshot-null-blk-2019', function () {
  this.timeout(0); // long simulations: their wall time depends on the load, their results do not

  describe('fitted rows (regression guards: SNAPSHOT_COSTS, KCOPYD_COSTS)', () => {
    for (const p of NULL_BLK_2019_PUBLISHED.filter((r) => r.role === 'fitted')) {
      for (const engine of ['psync', 'libaio'] as const) {
        const want = engine === 'psync' ? p.latUs : p.iops;
        const what = `${p.jobs} job(s), ${engine}`;
        it(`${what}: ${want} ${engine === 'psync' ? 'us' : 'IOPS'} within ${TOLERANCE * 100}%`, function () {
          const w = runScenario(nullBlk2019(p.jobs, engine, 20)).fio!.jobs[0].write;
          checkRow(this, what, engine === 'psync' ? w.lat_ns.mean / 1e3 : w.iops, want, TOLERANCE);
        });
      }
    }
  });

  it('is deterministic: the same scenario and seed give the same results', () => {
    const a = runScenario(nullBlk2019(2, 'libaio', 5, { kernel: '2.6.21' }));
    const b = runScenario(nullBlk2019(2, 'libaio', 5, { kernel: '2.6.21' }));
    expect(a.fio!.jobs[0].write.iops).to.equal(b.fio!.jobs[0].write.iops);
    expect(a.dmsim.events).to.equal(b.dmsim.events);
    expect(a.dmsim.simulated_ns).to.equal(b.dmsim.simulated_ns);
  });
});
