// dm core's per-bio CPU (dm/core-costs.ts): a bio through dm-linear costs its submitter the
// clone-and-map work on top of the raw device's path, so a QD1 psync job sees exactly that
// much more latency per I/O (the completion's part is softirq time, not on the I/O's path).
import { expect } from 'chai';
import { runScenario } from '../../kernel-lib/scenario/run.js';
import { DM_CORE_COSTS } from '../../kernel-lib/dm/core-costs.js';

const job = (file: string) => `[j]\nfilename=${file}\ndirect=1\nioengine=psync\nrw=randread\nbs=4k\nsize=4m\nrandrepeat=1\n`;

describe('scenario: dm core costs what it costs', function () {
  this.timeout(0);
  it('a psync read through dm-linear takes submitNs longer than on the raw device; a table of two stacked linears twice that', () => {
    const devices = { ram0: 'ram' };
    const raw = runScenario({ seed: 1, devices, workload: { fio: job('/dev/ram0') } });
    const lv = runScenario({ seed: 1, devices, volumes: { lv: { device: 'ram0' } }, workload: { fio: job('/dev/vg/lv') } });
    const two = runScenario({ seed: 1, devices, volumes: { lv: { device: 'ram0' } }, targets: { top: '0 8388608 linear /dev/vg/lv 0' }, workload: { fio: job('/dev/mapper/top') } });
    const lat = (r: ReturnType<typeof runScenario>) => (r.fio as any).jobs[0].read.lat_ns.mean as number;
    expect(lat(lv) - lat(raw)).to.be.closeTo(DM_CORE_COSTS.submitNs, 5);
    expect(lat(two) - lat(raw)).to.be.closeTo(2 * DM_CORE_COSTS.submitNs, 5);
    // The completion side is CPU time in softirq: the device's cores show it, the latency does not.
    expect((raw.fio as any).jobs[0].read.total_ios).to.equal(1024);
  });
});
