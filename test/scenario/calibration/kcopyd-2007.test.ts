// The 2007 "kcopyd performance" rows (docs/references.md#kcopyd-2007): dd bs=1M count=1000
// onto a bare volume and onto a snapshot origin, on MACHINE_2007. No parameter was fitted to
// them: every row is held out. Tolerance 10% for the bare volume, 30% for a snapshot cell
// (the 8 KiB cells are sensitive to initial conditions: docs/snapshot.md). The rows the model
// misses are pending: they run at full size, print their miss and are reported as pending.
import { expect } from 'chai';
import { runScenario } from '../../../kernel-lib/scenario/run.js';
import { DD_2007_PUBLISHED, dd2007 } from '../../../kernel-lib/scenario/calibration/kcopyd-2007.js';
import { checkRow } from './miss.js';

const mbs = (layout: 'none' | 'same' | 'separate', chunkKiB: number, mb: number, extra: Record<string, unknown> = {}): number => {
  const r = runScenario(dd2007(layout, chunkKiB, mb, extra));
  return r.dd!.bytes / r.dd!.seconds / 1e6;
};

/** Rows the model misses, with the reason (docs/devices.md and docs/snapshot.md, "Calibration"). */
const PENDING: Record<string, string> = {
  'none': 'the published dd wrote a file through a filesystem, which is not modelled',
  'same 8': 'the first tens of seconds run before the tail-requeue shuffle sets in',
  'same 512': 'copies in batches whose reads start in order',
  // 'separate 8' came within 30% (1.449 vs 1.2 MB/s, +20.8%) when dm core began to spend its
  // per-bio CPU (dm/core-costs.ts): the row is sensitive to small timing changes on the HDDs.
  'separate 512': 'not explained: the shuffled 64 KiB reads cost less than the published rate needs',
};

describe('scenario/calibration/kcopyd-2007', function () {
  this.timeout(0); // long simulations: their wall time depends on the load, their results do not

  describe('held-out rows (validation)', () => {
    it('the published order (300 MB, 128 MiB RAM): a snapshot is far slower than the bare volume, 512 KiB chunks faster than 8 KiB', () => {
      const bare = mbs('none', 0, 300, { 'pagecache.ram_mib': 128 });
      const small = mbs('same', 8, 300, { 'pagecache.ram_mib': 128 });
      const large = mbs('same', 512, 300, { 'pagecache.ram_mib': 128 });
      expect(small).to.be.below(bare / 5);
      expect(large).to.be.above(small * 1.5);
    });

    for (const p of DD_2007_PUBLISHED.filter((r) => r.role === 'held-out')) {
      const key = p.layout === 'none' ? 'none' : `${p.layout} ${p.chunkKiB}`;
      const what = p.layout === 'none' ? 'bare volume' : `snapshot, ${p.chunkKiB} KiB chunks, COW on the ${p.layout} disk`;
      const tolerance = p.layout === 'none' ? 0.1 : 0.3;
      it(`dd 1000 MB, ${what}: ${p.mbs} MB/s within ${tolerance * 100}%`, function () {
        checkRow(this, what, mbs(p.layout, p.chunkKiB, 1000), p.mbs, tolerance, PENDING[key]);
      });
    }
  });
});
