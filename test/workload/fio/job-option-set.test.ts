import { expect } from 'chai';
import { InputError } from '../../../kernel-lib/base/input-error.js';
import { setJobOption } from '../../../kernel-lib/workload/fio/job-option-set.js';
import { runScenario } from '../../../kernel-lib/scenario/index.js';

const JOB = '[global]\nioengine=libaio\n\n[a]\nbs=4k\niodepth=8\n\n[b]\nrw=read\n';

describe('workload/fio/job-option-set (--set workload.fio.<section>.<option>)', function () {
  this.timeout(0);

  it('replaces an option of a section on its own line', () => {
    expect(setJobOption(JOB, 'a', 'iodepth', 32, 'f')).to.equal('[global]\nioengine=libaio\n\n[a]\nbs=4k\niodepth=32\n\n[b]\nrw=read\n');
  });

  it('adds a new option after the section’s last line, and a [global] first when there is none', () => {
    expect(setJobOption(JOB, 'global', 'direct', 1, 'f')).to.equal('[global]\nioengine=libaio\ndirect=1\n\n[a]\nbs=4k\niodepth=8\n\n[b]\nrw=read\n');
    expect(setJobOption(JOB, 'b', 'bs', '64k', 'f')).to.equal('[global]\nioengine=libaio\n\n[a]\nbs=4k\niodepth=8\n\n[b]\nrw=read\nbs=64k\n');
    expect(setJobOption('[a]\nbs=4k', 'global', 'iodepth', 4, 'f')).to.equal('[global]\niodepth=4\n[a]\nbs=4k');
    expect(setJobOption(JOB, 'a', 'time_based', true, 'f')).to.include('iodepth=8\ntime_based\n');
  });

  it('refuses an unknown job, a bad option name or a value that would break the file, naming the --set field', () => {
    const fail = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).to.be.instanceOf(InputError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(fail(() => setJobOption(JOB, 'c', 'bs', '4k', 'workload.fio.c.bs'))).to.equal('--set: workload.fio.c.bs: the job file has no job [c] (its jobs: a, b)');
    expect(fail(() => setJobOption(JOB, 'a', 'b-s', '4k', 'x'))).to.include("'b-s' is not a fio option name");
    expect(fail(() => setJobOption(JOB, 'a', 'bs', '4k\n[evil]', 'x'))).to.include('cannot hold a newline');
  });

  it('sweeps a job’s option through runScenario like any parameter, checked by fio’s own option parser', () => {
    const at = (bs: string) => runScenario('examples/hdd-2019-randread-qd32.yaml', { set: { 'workload.fio.randread-qd32.bs': bs, 'workload.fio.randread-qd32.runtime': 1 } });
    const small = at('4k').fio!.jobs[0]!;
    const large = at('64k').fio!.jobs[0]!;
    expect(small['job options'].bs).to.equal('4k');
    expect(large['job options'].bs).to.equal('64k');
    // Random reads are positioning-bound: 16 times the block size is far more bandwidth, not 16 times fewer IOPS.
    expect(large.read.bw / small.read.bw).to.be.greaterThan(5);
    expect(() => runScenario('examples/hdd-2019-randread-qd32.yaml', { set: { 'workload.fio.global.iodepth': 'abc' } })).to.throw(/iodepth: 'abc' is not a whole number/);
  });
});
