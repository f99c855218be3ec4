// dm-vdo after power cuts at random instants (docs/power-cut.md, kernel-lib/dm/vdo/recover.ts):
// with the journal order kept, recovery finds the reference counts and the data consistent
// with the recovery journal, in the thread design that gets the order from its queues and in
// the one that must enforce it; with the order broken on purpose, reference updates are lost.
import { expect } from 'chai';
import { nvmeFioJob } from '../../../kernel-lib/scenario/calibration/vdo-2023.js';
import { runScenario } from '../../../kernel-lib/scenario/run.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';

/** Five instants between 12 and 24 ms, from a named stream. */
function instants(): number[] {
  const rng = new Simulation({ seed: 7 }).rng('vdo-power-cut-instants');
  return Array.from({ length: 5 }, () => 0.012 + 0.012 * rng.random()).sort((a, b) => a - b);
}

function probe(set: Record<string, unknown>) {
  const r = runScenario('examples/vdo-2023-nvme.yaml', { powerCutProbes: instants(), set: { 'workload.fio': nvmeFioJob('25ms'), ...set } }) as unknown as {
    dmsim: { power_cut_probes: { targets: { type: string; consistent: boolean; lost: Record<string, number>; recovered: Record<string, number> }[] }[] };
  };
  return r.dmsim.power_cut_probes.map((p) => p.targets.find((t) => t.type === 'vdo')!);
}

describe('dm/vdo power cuts', () => {
  for (const design of ['dedicated', 'structure-locking'] as const) {
    it(`[validates] ${design}, journal order kept: every cut recovers consistent`, function () {
      this.timeout(0);
      const cuts = probe({ 'vdo.threads': design });
      expect(cuts).to.have.length(5);
      for (const c of cuts) expect(c.consistent, JSON.stringify(c)).to.equal(true);
      // The check had something to check: journal blocks and slab-journal blocks on the media.
      expect(Math.max(...cuts.map((c) => c.recovered.slabJournalBlocks))).to.be.greaterThan(0);
    });
  }

  it('[validates] journal order broken: some cut loses reference updates', function () {
    this.timeout(0);
    const cuts = probe({ 'vdo.journalOrder': 'broken' });
    expect(cuts.some((c) => !c.consistent && c.lost.referenceUpdates > 0)).to.equal(true);
  });
});
