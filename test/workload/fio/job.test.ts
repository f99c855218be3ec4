import { expect } from 'chai';
import { runFio } from './helpers.js';

const base = '[global]\nfilename=/dev/sda\ndirect=1\n';

describe('workload/fio/job', () => {
  it('libaio iodepth=32 keeps 32 I/Os in flight', () => {
    const { dev, json } = runFio(`${base}[j]\nrw=randread\nioengine=libaio\niodepth=32\nsize=4m`);
    expect(dev.maxInFlight).to.equal(32);
    expect(json.jobs[0].read.total_ios).to.equal(1024);
    expect(json.jobs[0].iodepth_level['32']).to.be.greaterThan(90);
    expect(json.jobs[0].read.slat_ns.N).to.equal(1024);
  });

  it('psync keeps one I/O in flight whatever iodepth says, and records no slat', () => {
    const { dev, json } = runFio(`${base}[j]\nrw=randread\nioengine=psync\niodepth=32\nsize=1m`);
    expect(dev.maxInFlight).to.equal(1);
    expect(json.jobs[0].iodepth_level['1']).to.equal(100);
    expect(json.jobs[0].read.slat_ns.N).to.equal(0);
    // 256 I/Os one after the other at 100 us each (plus 1 us of fio CPU each).
    expect(json.jobs[0].read.runtime).to.be.within(25, 26);
    expect(json.jobs[0].read.clat_ns.mean).to.be.within(100_000, 100_001);
  });

  it('cpus_allowed_policy=split pins thread i to the i-th CPU of the set, over all jobs of the file', () => {
    const text = '[global]\nfilename=/dev/sda\nrw=randwrite\nsize=1m\ncpus_allowed=1-3\ncpus_allowed_policy=split\n[a]\nnumjobs=2\n[b]\nnumjobs=2\n';
    const { run } = runFio(text, { cores: 4 });
    expect(run.jobs.map((j) => j.thread!.pin)).to.deep.equal([1, 2, 3, 1]);
    // shared: one CPU pins, all of them float.
    expect(runFio('[j]\nfilename=/dev/sda\nsize=1m\ncpus_allowed=2', { cores: 4 }).run.jobs[0].thread!.pin).to.equal(2);
    expect(runFio('[j]\nfilename=/dev/sda\nsize=1m\ncpus_allowed=0-3', { cores: 4 }).run.jobs[0].thread!.pin).to.equal(-1);
  });

  it('cpus_allowed names a CPU the machine lacks, or a shared subset it cannot model, with its line', () => {
    const fail = (text: string) => {
      try {
        runFio(text, { cores: 4 });
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(fail('[j]\nfilename=/dev/sda\ncpus_allowed=0-7\ncpus_allowed_policy=split')).to.match(/^test\.fio:3: cpus_allowed: CPU 4 is not on this machine \(cpu\.cores = 4: CPUs 0-3\)/);
    expect(fail('[j]\nfilename=/dev/sda\ncpus_allowed=0-1')).to.match(/^test\.fio:3: cpus_allowed: a set of 2 of the 4 CPUs shared by each thread is not modelled/);
  });

  it('offset_increment places each clone at offset + n * increment', () => {
    const { dev } = runFio(`${base}[j]\nrw=write\nnumjobs=3\nsize=64k\noffset=1m\noffset_increment=1m`);
    for (let n = 0; n < 3; n++) {
      const lo = (1 + n) * 2048;
      const mine = dev.seen.filter((s) => s.sector >= lo && s.sector < lo + 2048);
      expect(mine.map((s) => s.sector)).to.deep.equal(Array.from({ length: 16 }, (_, i) => lo + i * 8));
    }
    expect(dev.seen).to.have.length(48);
  });

  it('runtime stops a size-bound job early; time_based keeps going until runtime', () => {
    const a = runFio(`${base}[j]\nrw=read\nsize=1g\nruntime=100ms`);
    expect(a.json.jobs[0].read.runtime).to.be.within(100, 101);
    expect(a.json.jobs[0].read.total_ios).to.be.within(985, 1000);
    const b = runFio(`${base}[j]\nrw=read\nsize=64k\nruntime=200ms\ntime_based`);
    expect(b.json.jobs[0].read.runtime).to.be.within(200, 201);
    expect(b.json.jobs[0].read.total_ios).to.be.within(1970, 2000);
    // Sequential and looping over its 16 blocks.
    expect(Math.max(...b.dev.seen.map((s) => s.sector))).to.equal(120);
    const c = runFio(`${base}[j]\nrw=read\nsize=64k\nruntime=200ms`);
    expect(c.json.jobs[0].read.total_ios).to.equal(16);
  });

  it('ramp_time runs I/O that is not counted', () => {
    const { json, dev } = runFio(`${base}[j]\nrw=read\nsize=1g\nruntime=100ms\nramp_time=50ms\ntime_based`);
    expect(json.jobs[0].read.runtime).to.be.within(100, 101);
    expect(json.jobs[0].read.total_ios).to.be.within(985, 1000);
    expect(dev.seen.length).to.be.within(1480, 1500);
  });

  it('rwmixread=70 reads 70% of the I/Os', () => {
    const { json } = runFio(`${base}[j]\nrw=randrw\nrwmixread=70\nsize=64m\nioengine=libaio\niodepth=16`, { serviceNs: 1000 });
    const r = json.jobs[0].read.total_ios;
    const w = json.jobs[0].write.total_ios;
    expect(r + w).to.equal(16384);
    expect(r / (r + w)).to.be.within(0.68, 0.72);
  });

  it('rate limits the bandwidth, rate_iops the IOPS', () => {
    const a = runFio(`${base}[j]\nrw=write\nrate=1m\nruntime=2s\ntime_based\nioengine=libaio\niodepth=8`, { serviceNs: 10_000 });
    expect(a.json.jobs[0].write.bw).to.be.within(1000, 1030);
    const b = runFio(`${base}[j]\nrw=randread\nrate_iops=500\nruntime=1s\ntime_based`, { serviceNs: 10_000 });
    expect(b.json.jobs[0].read.iops).to.be.within(495, 505);
  });

  it('startdelay and thinktime stretch the job', () => {
    const { json, dev } = runFio(`${base}[j]\nrw=read\nsize=40k\nthinktime=900\nstartdelay=1`);
    expect(dev.seen[0].at).to.be.within(1e9, 1e9 + 2000);
    // 10 I/Os of 100 us, each followed by 900 us of think time.
    expect(json.jobs[0].read.runtime).to.be.within(10, 11);
  });

  it('fsync=4 flushes after every 4 writes and reports them as sync I/O', () => {
    const { json, dev } = runFio(`${base}[j]\nrw=write\nsize=64k\nfsync=4\nend_fsync=1`);
    expect(dev.seen.filter((s) => s.op === 'flush')).to.have.length(5);
    expect(json.jobs[0].sync.total_ios).to.equal(4);
    expect(json.jobs[0].sync.lat_ns.N).to.equal(4);
  });

  it('randrepeat=1 gives the same offsets whatever the run seed; randrepeat=0 does not', () => {
    const job = `${base}[j]\nrw=randread\nsize=256k\n`;
    const s = (text: string, seed: number) => runFio(text, { seed }).dev.seen.map((x) => x.sector).join(',');
    expect(s(job, 1)).to.equal(s(job, 2));
    expect(s(`${job}randrepeat=0\n`, 1)).to.not.equal(s(`${job}randrepeat=0\n`, 2));
    expect(s(`${job}randseed=7\n`, 1)).to.not.equal(s(job, 1));
  });

  it('warns that direct=0 runs as direct I/O while there is no page cache', () => {
    const { warnings } = runFio('[j]\nfilename=sda\nrw=read\nsize=8k');
    expect(warnings.join('\n')).to.match(/direct=0.*no page cache/);
  });

  it('random I/O on a 100 TB device at bs=512 and a 1 PB one at 4k runs without a map, over the whole device, with a note', () => {
    for (const [bytes, bs] of [[100e12, 512], [2 ** 50, 4096]] as const) {
      const sizeSectors = Math.floor(bytes / 512);
      const { dev, warnings } = runFio(`${base}[j]\nrw=randwrite\nbs=${bs}\nruntime=2ms`, { sizeSectors, serviceNs: 10_000 });
      expect(dev.seen.length, `${bytes}`).to.be.greaterThan(100);
      const sectors = dev.seen.map((s) => s.sector);
      for (const s of sectors) expect(s % (bs / 512)).to.equal(0);
      expect(Math.max(...sectors)).to.be.lessThan(sizeSectors);
      // Offsets cover the device, beyond what 32 random bits can name (2^32 blocks).
      expect(Math.max(...sectors) / (bs / 512)).to.be.greaterThan(2 ** 32);
      expect(warnings.join('\n')).to.match(/job j: the random map of .* blocks is too large .*norandommap/);
    }
  });

  it('cpus_allowed beyond the largest machine is an error with its line, not a RangeError', () => {
    let message = '';
    try {
      runFio('[j]\nfilename=/dev/sda\ncpus_allowed=0-99999999', { cores: 4 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.match(/^test\.fio:3: cpus_allowed: CPU 99999999 is beyond the largest machine modelled \(8192 CPUs, NR_CPUS\)/);
  });

  it('sizes beyond 2^53 bytes are refused', () => {
    let message = '';
    try {
      runFio('[j]\nfilename=/dev/sda\nsize=9000p');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.match(/^test\.fio:3: size: '9000p' is beyond 2\^53 bytes/);
  });
});
