import { expect } from 'chai';
import { runScenario } from '../../kernel-lib/scenario/run.js';

const FIO = {
  seed: 1,
  devices: { ram0: 'ram' },
  workload: { fio: '[w]\nfilename=/dev/ram0\ndirect=1\nrw=randwrite\nioengine=libaio\niodepth=4\ntime_based=1\nruntime=60s\n' },
};

/** Says stop on its n-th call (it is asked every 4096 events). */
function stopAfter(n: number) {
  let calls = 0;
  return () => ++calls >= n;
}

// Ctrl-C during a run: the run stops where it is and reports what it did, as fio and dd do.
describe('scenario/interrupt', () => {
  it('a fio run stopped early reports the I/O done so far, over the time it ran', () => {
    const r = runScenario(FIO, { stopRequested: stopAfter(20) });
    const job = r.fio!.jobs[0];
    expect(r.dmsim.simulated_s).to.be.greaterThan(0).and.lessThan(60);
    expect(job.write.total_ios).to.be.greaterThan(100);
    expect(job.job_runtime).to.be.closeTo(r.dmsim.simulated_s * 1000, 1);
    // fio divides by the direction's runtime in whole ms, the elapsed time rounded up
    // (backend.c update_runtime), while job_runtime is the whole run's, rounded down.
    expect(job.write.runtime).to.be.within(job.job_runtime, job.job_runtime + 1);
    expect(job.write.runtime).to.equal(Math.ceil(r.dmsim.simulated_s * 1000));
    expect(job.write.iops).to.be.closeTo(job.write.total_ios / (job.write.runtime / 1000), 1e-6);
    expect(r.dmsim.warnings.join('\n')).to.match(/^interrupted at [0-9.]+ s of simulated time: the results cover the run so far$/m);
    expect(r.text()).to.match(/write: IOPS=/);
  });

  it('a dd run stopped early prints its records and a finite rate', () => {
    const dd = { seed: 1, devices: { ram0: 'ram' }, workload: { dd: 'if=/dev/zero of=ram0 bs=4k count=1000000 oflag=direct' } };
    const r = runScenario(dd, { stopRequested: stopAfter(2) });
    expect(r.dd!.recordsOut).to.be.greaterThan(0).and.lessThan(1_000_000);
    expect(r.dd!.seconds).to.be.greaterThan(0);
    expect(r.dd!.text).to.match(/^\d+\+0 records in\n\d+\+0 records out\n\d+ bytes .* copied, [0-9.e-]+ s, [0-9.]+ [kMG]B\/s$/);
  });

  it('a run not asked to stop gives the same result as without the check', () => {
    const small = { ...FIO, workload: { fio: FIO.workload.fio.replace('time_based=1\nruntime=60s\n', 'size=4m\n') } };
    const a = runScenario(small, { stopRequested: () => false });
    const b = runScenario(small);
    expect(a.dmsim.events).to.equal(b.dmsim.events);
    expect(a.fio!.jobs[0].write).to.deep.equal(b.fio!.jobs[0].write);
  });
});
