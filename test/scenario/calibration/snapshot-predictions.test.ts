// Regression guards of the model's PREDICTIONS (not validation: nobody published these
// columns): the 2019 null_blk stack with fine-grained locking, per-CPU kcopyd, and both, and
// the 2007 stack with head requeue. Each pinned value is what the model gave when it was last
// changed on purpose (docs/snapshot.md, "Predictions"); a change that moves one by more than
// its tolerance fails here, and whoever made it updates the value and says why in the docs.
// The runs are deterministic; the tolerance leaves room for small mechanism changes elsewhere.
import { runScenario } from '../../../kernel-lib/scenario/run.js';
import { nullBlk2019 } from '../../../kernel-lib/scenario/calibration/snapshot-null-blk-2019.js';
import { dd2007 } from '../../../kernel-lib/scenario/calibration/kcopyd-2007.js';
import { checkRow } from './miss.js';

const DESIGNS: Record<string, Record<string, unknown>> = {
  'mutex (5.0)': {},
  'fine-grained locking': { 'snapshot.locking': 'fine-grained' },
  'per-CPU kcopyd': { 'kcopyd.threading': 'per-cpu' },
  'both': { 'snapshot.locking': 'fine-grained', 'kcopyd.threading': 'per-cpu' },
};

/** Pinned at 8 jobs, 20 ms simulated: libaio QD32 IOPS and psync mean latency (us). */
const PINNED_8_JOBS: Record<string, { iops: number; latUs: number }> = {
  'mutex (5.0)': { iops: 74095, latUs: 108.07 },
  'fine-grained locking': { iops: 93714, latUs: 91.59 },
  'per-CPU kcopyd': { iops: 153400, latUs: 48.16 },
  'both': { iops: 459400, latUs: 19.48 },
};

/** Pinned 2007 head-requeue predictions (MB/s, dd 1000 MB, seed 1). */
const PINNED_HEAD_REQUEUE: { layout: 'same' | 'separate'; chunkKiB: number; mbs: number }[] = [
  { layout: 'same', chunkKiB: 8, mbs: 18.03 },
  { layout: 'same', chunkKiB: 512, mbs: 14.64 },
  { layout: 'separate', chunkKiB: 8, mbs: 28.99 },
  { layout: 'separate', chunkKiB: 512, mbs: 35.97 },
];

const TOLERANCE = 0.1;

describe('scenario/calibration/snapshot-predictions (regression guards of predictions)', function () {
  this.timeout(0); // long simulations: their wall time depends on the load, their results do not

  for (const [design, extra] of Object.entries(DESIGNS)) {
    const pinned = PINNED_8_JOBS[design];
    it(`null_blk, 8 jobs, ${design}: ${pinned.iops} IOPS and ${pinned.latUs} us within ${TOLERANCE * 100}%`, function () {
      const iops = runScenario(nullBlk2019(8, 'libaio', 20, extra)).fio!.jobs[0].write.iops;
      checkRow(this, `${design} IOPS`, iops, pinned.iops, TOLERANCE);
      const lat = runScenario(nullBlk2019(8, 'psync', 20, extra)).fio!.jobs[0].write.lat_ns.mean / 1e3;
      checkRow(this, `${design} psync us`, lat, pinned.latUs, TOLERANCE);
    });
  }

  for (const p of PINNED_HEAD_REQUEUE) {
    it(`2007 dd, head requeue, ${p.chunkKiB} KiB chunks, COW on the ${p.layout} disk: ${p.mbs} MB/s within ${TOLERANCE * 100}%`, function () {
      const r = runScenario(dd2007(p.layout, p.chunkKiB, 1000, { 'kcopyd.requeue': 'head' }));
      checkRow(this, `head requeue ${p.layout} ${p.chunkKiB}`, r.dd!.bytes / r.dd!.seconds / 1e6, p.mbs, TOLERANCE);
    });
  }
});
