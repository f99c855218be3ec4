import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sweep } from '../../kernel-lib/analysis/sweep.js';
import { scenarioPoint, scenarioSeriesPoint } from '../../kernel-lib/scenario/sweep-runner.js';

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

  it('scenarioSeriesPoint puts fio\'s iops log into the row and removes the file', function () {
    this.timeout(0);
    const log = path.join(path.dirname(file), 'series');
    const fio = `[w]\nfilename=ram0\ndirect=1\nrw=randwrite\nbs=4k\nioengine=psync\nruntime=500ms\ntime_based\nwrite_iops_log=${log}\nlog_avg_msec=100\n`;
    const row = scenarioSeriesPoint({ scenario: file, 'workload.fio': fio, 'fio.cpu_ns_per_io': 100_000 }, 1);
    const keys = Object.keys(row).filter((k) => k.startsWith('iops_log_'));
    expect(keys).to.deep.equal(['iops_log_100', 'iops_log_200', 'iops_log_300', 'iops_log_400', 'iops_log_500']);
    // Theory: one write per (100 us of fio CPU + the ram disk's service), so at most 1000 per
    // 100 ms interval, reported as a rate per second (fio's iops log): at most 10 000.
    for (const k of keys) expect(row[k] as number).to.be.within(9000, 10_000);
    expect(fs.existsSync(`${log}_iops.1.log`)).to.equal(false);
    expect(scenarioPoint({ scenario: file, 'workload.fio': fio, 'fio.cpu_ns_per_io': 100_000 }, 1).write_iops).to.equal(row.write_iops);
  });
});
