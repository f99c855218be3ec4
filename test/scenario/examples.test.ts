// Every scenario under examples/ (the ones docs/scenario.md lists, one per device profile) is
// valid and builds; the quick ones also run.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROFILES } from '../../kernel-lib/block/profiles.js';
import { buildStack } from '../../kernel-lib/scenario/build.js';
import { loadScenario, runScenario } from '../../kernel-lib/scenario/run.js';
import { CpuSet } from '../../kernel-lib/sim/cpu.js';
import { Simulation } from '../../kernel-lib/sim/index.js';

const files = fs.readdirSync('examples').filter((f) => f.endsWith('.yaml')).map((f) => path.join('examples', f));

describe('examples/', () => {
  for (const file of files) {
    it(`${file} is valid and its stack builds`, () => {
      const { scenario, loaded } = loadScenario(file);
      const sim = new Simulation({ seed: 1 });
      const stack = buildStack(scenario, loaded.source, sim, new CpuSet(sim, { cores: 2 }));
      expect(stack.entries.length).to.be.at.least(1);
    });
  }

  it('cover every device profile, and docs/scenario.md lists them all', () => {
    const docs = fs.readFileSync('docs/scenario.md', 'utf8');
    const used = new Set(files.flatMap((f) => Object.values(loadScenario(f).scenario.devices).map((d) => d.profile)));
    for (const profile of Object.keys(PROFILES)) expect([...used], profile).to.include(profile);
    for (const file of files) expect(docs, file).to.include(path.basename(file, '.yaml'));
  });

  it('ram-dd and the trace replay run to their expected output', () => {
    expect(runScenario('examples/ram-dd.yaml').dd!.text).to.match(/^256\+0 records in\n256\+0 records out\n268435456 bytes \(268 MB, 256 MiB\) copied, /);
    const r = runScenario('examples/trace-replay-hdd-2019.yaml');
    expect(r.fio!.jobs[0].read.total_ios).to.equal(2);
    expect(r.fio!.jobs[0].write.total_ios).to.equal(3);
    expect(r.fio!.jobs[0].sync.total_ios).to.equal(1);
    // The lock and thread report is part of every result: the replay's own thread is in it.
    const json = r.toJSON() as { dmsim: { locks: unknown[]; threads: { name: string; cpu_ns: number }[] } };
    expect(json.dmsim.locks).to.be.an('array');
    expect(json.dmsim.threads.some((t) => t.cpu_ns > 0)).to.equal(true);
  });
});
