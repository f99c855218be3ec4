import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sweep } from '../../kernel-lib/analysis/sweep.js';
import { scenarioPoint } from '../../kernel-lib/scenario/sweep-runner.js';

const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-sweep-')), 'ram.yaml');
fs.writeFileSync(
  file,
  `devices:\n  ram0: ram\nworkload:\n  fio: |\n    [r]\n    filename=ram0\n    direct=1\n    rw=randread\n    randrepeat=0\n    size=4m\n`,
);

describe('scenario/sweep-runner', () => {
  it('runs params.scenario with the other params as overrides and returns flat metrics', () => {
    const a = scenarioPoint({ scenario: file, 'fio.cpu_ns_per_io': 1000 }, 1);
    const b = scenarioPoint({ scenario: file, 'fio.cpu_ns_per_io': 50_000 }, 1);
    expect(a.read_iops).to.be.a('number');
    // 50 us of fio CPU per I/O bounds the job below 20 000 IOPS.
    expect(b.read_iops as number).to.be.below(20_100); // runtime is whole ms, as in fio
    expect(a.read_iops as number).to.be.above(b.read_iops as number);
    expect(scenarioPoint({ scenario: file }, 3)).to.deep.equal(scenarioPoint({ scenario: file }, 3));
    expect(() => scenarioPoint({}, 1)).to.throw(TypeError, /params\.scenario must be the path/);
  });

  it('works as a sweep runner', async () => {
    const t = await sweep({
      runner: { module: 'kernel-lib/scenario/sweep-runner.ts', export: 'scenarioPoint' },
      params: { scenario: file },
      grid: { 'cpu.cores': [1, 2] },
      workers: 1,
      cache: false,
      quiet: true,
    });
    expect(t.numRows()).to.equal(2);
    expect(t.columnNames()).to.include.members(['cpu.cores', 'read_iops', 'ram0_util']);
  });
});
