import { expect } from 'chai';
import { InputError } from '../../../kernel-lib/base/input-error.js';
import { parseJobFile } from '../../../kernel-lib/workload/fio/job-file.js';
import { jobOptions } from '../../../kernel-lib/workload/fio/options.js';

function opts(text: string) {
  const f = parseJobFile(text, 'x.fio');
  return f.jobs.map((j) => jobOptions(j, 'x.fio'));
}

function err(text: string): InputError {
  try {
    opts(text);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('workload/fio/options', () => {
  it('applies fio\'s defaults and [global] to the jobs that follow it', () => {
    const [a, b] = opts('[global]\nbs=16k\n[a]\nrw=randwrite\n[global]\niodepth=8\nioengine=libaio\n[b]\nbs=4k,64k');
    expect(a.bs).to.deep.equal([16384, 16384, 16384]);
    expect(a.iodepth).to.equal(1);
    expect(a.ioengine).to.equal('psync');
    expect(a.rwmixread).to.equal(50);
    expect(a.randrepeat).to.equal(true);
    expect(a.random).to.equal(true);
    expect(b.iodepth).to.equal(8);
    expect(b.bs).to.deep.equal([4096, 65536, 65536]);
    expect(b.percentileList).to.have.length(17);
  });

  it('parses bare keys, comments and the remaining options', () => {
    const [o] = opts('[j] ; job\ntime_based\nruntime=10 # seconds\nramp_time=2s\nrate=1m,2m\nrate_iops=,300\nthinktime=50\n' +
      'random_distribution=pareto:0.9\nrwmixwrite=30\nsize=50%\nfsync=8\nend_fsync=1\npercentile_list=50:99\n' +
      'dedupe_percentage=30\nbuffer_compress_percentage=50\ngroup_reporting\nstartdelay=1\nnumjobs=2\noffset_increment=1g\n');
    expect(o.timeBased).to.equal(true);
    expect(o.runtime).to.equal(10e9);
    expect(o.rampTime).to.equal(2e9);
    expect(o.rate).to.deep.equal([1 << 20, 2 << 20, 2 << 20]);
    expect(o.rateIops).to.deep.equal([0, 300, 300]);
    expect(o.thinktime).to.equal(50e3);
    expect(o.randomDistribution).to.deep.equal({ kind: 'pareto', h: 0.9 });
    expect(o.rwmixread).to.equal(70);
    expect(o.sizePercent).to.equal(50);
    expect(o.percentileList).to.deep.equal([50, 99]);
    expect(o.dedupePercentage).to.equal(30);
  });

  it('names a refused option, its line and the reason; an unknown name is not a fio option', () => {
    const e = err('[global]\nfilename=sda\n\n[j]\nrw=read\nlatency_target=10ms\n');
    expect(e.message).to.equal("x.fio:6: latency_target: option 'latency_target' is not modelled by dmsim: latency-target depth search is not modelled");
    expect(err('[j]\nfrobnicate=1').message).to.match(/^x\.fio:2: frobnicate: 'frobnicate' is not a fio option/);
    // fio's default value of a refused option asks for nothing: accepted.
    expect(() => err('[j]\nfilename=sda\nnice=0')).to.throw('expected an error');
  });

  it('names the option and line of a bad value', () => {
    expect(err('[j]\nrw=sideways').message).to.match(/^x\.fio:2: rw: 'sideways' is not a supported pattern/);
    expect(err('[j]\niodepth=many').message).to.match(/^x\.fio:2: iodepth: 'many' is not a whole number/);
    expect(err('[j]\nioengine=windowsaio').field).to.equal('ioengine');
    expect(err('[j]\nrandom_distribution=zipf').message).to.match(/zipf needs a theta/);
    expect(err('[j]\nbs=1000').message).to.match(/multiples of 512/);
    expect(err('[j]\nruntime=soon').line).to.equal(2);
    expect(err('[j]\nrw=read\ntime_based').message).to.match(/^x\.fio:3: time_based: time_based needs a runtime/);
  });

  it('reads cpus_allowed lists and ranges, and cpus_allowed_policy', () => {
    const [o] = opts('[j]\ncpus_allowed=6,0-3,2\ncpus_allowed_policy=split');
    expect(o.cpusAllowed).to.deep.equal([0, 1, 2, 3, 6]);
    expect(o.cpusAllowedPolicy).to.equal('split');
    expect(opts('[j]')[0].cpusAllowed).to.equal(null);
    expect(err('[j]\ncpus_allowed=3-1').message).to.match(/^x\.fio:2: cpus_allowed: '3-1': the range ends before it starts/);
    expect(err('[j]\ncpus_allowed=a').message).to.match(/'a' is not a CPU or a range of CPUs/);
    expect(err('[j]\ncpus_allowed_policy=spread').message).to.match(/^x\.fio:2: cpus_allowed_policy: 'spread' is not a policy \(shared, split\)/);
  });
});
