// Power cuts through a whole scenario: `powerCutAt` stops the run and reports what each device
// lost and what each target found on re-opening; `powerCutProbes` looks at many instants of
// one run. The dedup target's checks: persistent-data's (superblock, reachable nodes,
// space-map counts) and its own (every LBN on a PBN whose data reached the media).
import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../kernel-lib/base/input-error.js';
import { runCommand } from '../../kernel-lib/cli/commands/run.js';
import { powerCut, runScenario, type PowerCutReport } from '../../kernel-lib/scenario/index.js';
import { Simulation } from '../../kernel-lib/sim/index.js';

/**
 * dmdedup4.19's policy (commit every 100 writes) under sequential unique 4 KiB writes, for
 * 400 ms; metadata on a 1 GB write-back hdd; data on a write-back hdd or on null_blk (no
 * volatile cache).
 */
function dedup(dataCache: boolean, set: Record<string, unknown> = {}) {
  return {
    description: 'dedup power cuts',
    seed: 1,
    params: { kernel: '4.19', ...set },
    devices: {
      meta: { profile: 'hdd-2019', capacity_gb: 1 },
      data: dataCache ? { profile: 'hdd-2019', capacity_gb: 8 } : { profile: 'null_blk', gb: 8 },
    },
    targets: { dd: '0 8388608 dedup /dev/meta /dev/data 4096 md5 cowbtree 100' },
    workload: { fio: '[w]\nfilename=/dev/mapper/dd\ndirect=1\nbs=4k\nrw=write\nioengine=psync\nruntime=400ms\ntime_based\n' },
  };
}

/** 1,000 instants of the run, from a seeded stream. */
function instants(n: number, endS: number): number[] {
  const rng = new Simulation({ seed: 5 }).rng('power-cut-instants');
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(rng.uniform(0.02, endS));
  return out;
}

function summarize(probes: PowerCutReport[]) {
  const bad = probes.filter((p) => !p.consistent);
  return { probes: probes.length, inconsistent: bad.length, first: bad[0]?.targets[0]?.problems[0] ?? '' };
}

describe('scenario power cuts', function () {
  this.timeout(0);

  it('dedup, data device without a volatile cache (null_blk): 1,000 cuts each leave consistent metadata on data that reached the media', () => {
    const r = runScenario(dedup(false), { powerCutProbes: instants(1000, 0.4) });
    const s = summarize(r.dmsim.power_cut_probes!);
    expect(s.probes).to.equal(1000);
    expect(s.first).to.equal('');
    expect(s.inconsistent).to.equal(0);
    // The probes saw commits being lost (the later instants hold more mappings than the media).
    const lostMappings = r.dmsim.power_cut_probes!.map((p) => p.targets[0].lost.mappings as number);
    expect(Math.max(...lostMappings)).to.be.greaterThan(0);
    expect(Math.max(...lostMappings)).to.be.at.most(100); // at most one commit interval (flushrq 100)
  });

  it('dedup, pdata.commitFlush false (for study only): some cuts leave a superblock naming blocks not on the media', () => {
    const r = runScenario(dedup(false, { 'pdata.commitFlush': false }), { powerCutProbes: instants(1000, 0.4) });
    const s = summarize(r.dmsim.power_cut_probes!);
    expect(s.probes).to.equal(1000);
    expect(s.inconsistent).to.be.greaterThan(0);
    expect(s.first).to.match(/not on the media|counted less|counted otherwise/);
  });

  it('dedup with a write-back data disk: the commit flushes only the metadata device, so mapped data is lost (a finding)', () => {
    const r = powerCut(dedup(true), 0.3);
    const cut = r.dmsim.power_cut!;
    expect(cut.stopped).to.equal(true);
    expect(cut.at_s).to.equal(0.3);
    const data = cut.devices.find((d) => d.device === 'data')!;
    expect(data.cachedWrites).to.be.greaterThan(0);
    expect(data.lostWrites).to.be.greaterThan(0);
    expect(cut.consistent).to.equal(false);
    expect(cut.targets[0].problems.join(' ')).to.match(/LBNs map to a PBN whose data is not on the data device/);
    // The metadata itself (persistent-data's check) holds.
    expect(cut.targets[0].problems.some((p) => /space map|superblock|btree node/.test(p))).to.equal(false);
    expect(r.text()).to.match(/power cut at 0\.300 s: dd \(dedup at 0\): metadata INCONSISTENT/);
  });

  it('is deterministic: the same cut twice gives the same report', () => {
    const a = powerCut(dedup(true), 0.25).dmsim.power_cut;
    const b = powerCut(dedup(true), 0.25).dmsim.power_cut;
    expect(JSON.stringify(a)).to.equal(JSON.stringify(b));
  });

  it('a cut after the end of the run is an error naming the option; a bad time too', async () => {
    expect(() => powerCut(dedup(false), 5)).to.throw(InputError, /the cut at 5\.000000 s is after the end of the run \(it ended at 0\.\d+ s/);
    expect(() => powerCut(dedup(false), 'soon')).to.throw(InputError, /expected a time such as 12\.5s/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-cut-')), 'd.json');
    fs.writeFileSync(file, JSON.stringify(dedup(false)));
    const err: string[] = [];
    const error = console.error;
    console.error = (...a: unknown[]) => err.push(a.join(' '));
    try {
      const code = await runCommand([file, '--power-cut-at', '30s'], new EventEmitter(), 'main');
      expect(code).to.equal(1);
    } finally {
      console.error = error;
    }
    expect(err.join('\n')).to.match(/^dmsim run: --power-cut-at: the cut at 30\.000000 s is after the end of the run/);
  });
});
