import { expect } from 'chai';
import { runFio } from './helpers.js';

const base = '[global]\nfilename=/dev/sda\ndirect=1\n';

describe('workload/fio/fio', () => {
  it('numjobs=4 gives 4 threads, 4 job entries, or one summed entry with group_reporting', () => {
    const r1 = runFio(`${base}[j]\nrw=randwrite\nnumjobs=4\nsize=256k\nioengine=libaio\niodepth=2`, { cores: 2 });
    expect(r1.json.jobs).to.have.length(4);
    expect(r1.run.jobs.map((j) => j.thread!.name)).to.deep.equal(['fio/j.0', 'fio/j.1', 'fio/j.2', 'fio/j.3']);
    expect(r1.dev.maxInFlight).to.equal(8);
    const r2 = runFio(`${base}group_reporting\n[j]\nrw=randwrite\nnumjobs=4\nsize=256k`);
    expect(r2.json.jobs).to.have.length(1);
    expect(r2.json.jobs[0].write.total_ios).to.equal(256);
    expect(r2.json.jobs[0].write.io_bytes).to.equal(4 * 256 * 1024);
    // fio sums total_run_time over a group (job_runtime) but reports each direction's runtime as the longest.
    expect(r2.json.jobs[0].job_runtime).to.be.within(4 * r2.json.jobs[0].write.runtime - 4, 4 * r2.json.jobs[0].write.runtime + 4);
  });

  it('stonewall makes a job wait until every job before it has finished, and starts a new group', () => {
    const { dev, json } = runFio(`${base}[a]\nrw=write\nsize=64k\n[b]\nrw=read\nsize=64k\nstonewall\n`);
    const lastWrite = Math.max(...dev.seen.filter((s) => s.op === 'write').map((s) => s.at));
    const firstRead = Math.min(...dev.seen.filter((s) => s.op === 'read').map((s) => s.at));
    expect(firstRead).to.be.above(lastWrite);
    expect(json.jobs.map((j: { groupid: number }) => j.groupid)).to.deep.equal([0, 1]);
  });

  it('without stonewall, jobs run at once in one group', () => {
    const { dev, json } = runFio(`${base}[a]\nrw=write\nsize=64k\n[b]\nrw=read\nsize=64k\n`);
    const lastWrite = Math.max(...dev.seen.filter((s) => s.op === 'write').map((s) => s.at));
    const firstRead = Math.min(...dev.seen.filter((s) => s.op === 'read').map((s) => s.at));
    expect(firstRead).to.be.below(lastWrite);
    expect(json.jobs.map((j: { groupid: number }) => j.groupid)).to.deep.equal([0, 0]);
  });
});
