// The 2019 dm-snapshot rows on null_blk (docs/references.md#snapshot-null-blk-2019): origin
// writes before the locking change, 1 to 8 jobs, psync latency and QD32 IOPS, 20 ms of
// simulated fio each, starting from the exception table's mean occupancy over a published run
// (NULL_BLK_2019_MEAN_EXCEPTIONS), tolerance 25%. dm-snapshot's and kcopyd's costs were fitted
// to these rows, so they are regression guards; the predictions for the other locking and
// kcopyd designs are pinned in snapshot-predictions.test.ts and shown by the snapshot study
// (notebooks/snapshot-why-writes-slow-down.ipynb).
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

  it('results do not depend on the simulated length once the table starts at the published occupancy (20 vs 60 ms, 8 jobs)', () => {
    const at = (ms: number) => runScenario(nullBlk2019(8, 'libaio', ms)).fio!.jobs[0].write.iops;
    const short = at(20);
    const long = at(60);
    expect(Math.abs(long / short - 1)).to.be.below(0.05);
  });

  it('the lock and thread report at 8 jobs: the mutex is the busiest lock; what saturates is the CPU that runs kcopyd (docs/snapshot.md)', () => {
    const d = runScenario(nullBlk2019(8, 'libaio', 20)).dmsim;
    const lock = d.locks.find((l) => l.name === 'snap.lock')!;
    expect(lock.kind).to.equal('mutex');
    expect(lock.hold_fraction).to.be.within(0.4, 0.8);
    expect(Math.max(...d.cpu_util)).to.be.above(0.97);
    const kcopyd = d.threads.find((t) => t.kind === 'work' && t.name === 'kcopyd-snap')!;
    expect(kcopyd.cpu_busy).to.be.above(lock.hold_fraction);
  });

  it('is deterministic: the same scenario and seed give the same results', () => {
    const a = runScenario(nullBlk2019(2, 'libaio', 5, { kernel: '2.6.21' }));
    const b = runScenario(nullBlk2019(2, 'libaio', 5, { kernel: '2.6.21' }));
    expect(a.fio!.jobs[0].write.iops).to.equal(b.fio!.jobs[0].write.iops);
    expect(a.dmsim.events).to.equal(b.dmsim.events);
    expect(a.dmsim.simulated_ns).to.equal(b.dmsim.simulated_ns);
  });
});
