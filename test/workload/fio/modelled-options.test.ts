// The fio options that change the I/O, against what fio's io_u.c / backend.c make of them:
// offsets, sizes and counts the fake device sees, checked exactly where fio is exact.
import { expect } from 'chai';
import { runFio } from './helpers.js';
import { parseJobFile } from '../../../kernel-lib/workload/fio/job-file.js';
import { jobOptions } from '../../../kernel-lib/workload/fio/options.js';
import { evaluateArithmetic } from '../../../kernel-lib/workload/fio/arithmetic.js';

const base = '[global]\nfilename=/dev/sda\ndirect=1\n';
const KiB = 1024;

function fail(text: string): string {
  try {
    runFio(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('workload/fio: options that change the I/O', () => {
  it('rw=read:-8k at bs=4k reads backwards from the end, 4 KiB steps (fio backwards-read.fio)', () => {
    const { dev } = runFio(`${base}[j]\nrw=read:-8k\nbs=4k\nsize=64k`);
    const at = dev.seen.map((s) => (s.sector * 512) / KiB);
    // First at 0 (no hole before the first I/O), then wrapping to size - 8k and stepping back.
    expect(at.slice(0, 5)).to.deep.equal([0, 56, 52, 48, 44]);
    expect(at).to.have.length(16);
  });

  it('rw=write:4k leaves a 4 KiB hole after each 4 KiB write', () => {
    const { dev } = runFio(`${base}[j]\nrw=write:4k\nbs=4k\nsize=64k`);
    expect(dev.seen.slice(0, 4).map((s) => (s.sector * 512) / KiB)).to.deep.equal([0, 8, 16, 24]);
  });

  it('randread:4 draws a new offset every 4 I/Os, the others following it (rw_sequencer=sequential) or repeating it (identical)', () => {
    const seq = runFio(`${base}[j]\nrw=randread:4\nbs=4k\nsize=1m\nnumber_ios=8`).dev.seen.map((s) => s.sector);
    expect(seq).to.have.length(8);
    expect([seq[1] - seq[0], seq[2] - seq[1], seq[3] - seq[2]]).to.deep.equal([8, 8, 8]);
    const same = runFio(`${base}[j]\nrw=randread:4\nrw_sequencer=identical\nbs=4k\nsize=1m\nnumber_ios=8`).dev.seen.map((s) => s.sector);
    expect(new Set(same.slice(0, 4)).size).to.equal(1);
  });

  it('io_size loops over size; loops repeats it; number_ios stops first', () => {
    expect(runFio(`${base}[j]\nrw=write\nbs=4k\nsize=64k\nio_size=256k`).dev.seen).to.have.length(64);
    expect(runFio(`${base}[j]\nrw=write\nbs=4k\nsize=64k\nloops=3`).dev.seen).to.have.length(48);
    expect(runFio(`${base}[j]\nrw=write\nbs=4k\nsize=64k\nnumber_ios=5`).dev.seen).to.have.length(5);
    // Every offset of the looped job stays inside size.
    expect(Math.max(...runFio(`${base}[j]\nrw=write\nbs=4k\nsize=64k\nio_size=256k`).dev.seen.map((s) => s.sector))).to.equal(120);
  });

  it('norandommap draws with repeats; the default map hits every block once per pass', () => {
    const mapped = runFio(`${base}[j]\nrw=randread\nbs=4k\nsize=1m`).dev.seen.map((s) => s.sector);
    expect(new Set(mapped).size).to.equal(256);
    const unmapped = runFio(`${base}[j]\nrw=randread\nbs=4k\nsize=1m\nnorandommap`).dev.seen.map((s) => s.sector);
    expect(unmapped).to.have.length(256);
    // 256 uniform draws over 256 blocks hit about 256 (1 - 1/e) = 162 distinct ones.
    expect(new Set(unmapped).size).to.be.within(140, 185);
  });

  it('bssplit draws sizes by their shares; bsrange stays in its bounds, multiples of the smaller power of two', () => {
    const split = runFio(`${base}[j]\nrw=randwrite\nbssplit=4k/75:64k/25\nsize=64m\nnumber_ios=4000`).dev.seen.map((s) => s.sectors * 512);
    const small = split.filter((b) => b === 4 * KiB).length / split.length;
    expect(small).to.be.within(0.72, 0.78); // 75 % +- 4.6 sigma of a binomial of 4000
    expect(split.every((b) => b === 4 * KiB || b === 64 * KiB)).to.equal(true);
    const range = runFio(`${base}[j]\nrw=randread\nbsrange=4k-32k\nsize=64m\nnumber_ios=2000`).dev.seen.map((s) => s.sectors * 512);
    expect(range.every((b) => b >= 4 * KiB && b <= 32 * KiB && b % (4 * KiB) === 0)).to.equal(true);
    expect(new Set(range).size).to.equal(8);
  });

  it('blockalign aligns random offsets to its value, not the block size', () => {
    const seen = runFio(`${base}[j]\nrw=randread\nbs=4k\nblockalign=64k\nsize=16m\nnumber_ios=500`).dev.seen;
    expect(seen.every((s) => (s.sector * 512) % (64 * KiB) === 0)).to.equal(true);
  });

  it('zonemode=strided: zonesize bytes per zone of zonerange, then zoneskip (setup_strided_zone_mode)', () => {
    const { dev } = runFio(`${base}[j]\nrw=read\nbs=4k\nsize=1m\nzonemode=strided\nzonesize=8k\nzonerange=64k\nzoneskip=64k\nnumber_ios=6`);
    expect(dev.seen.map((s) => (s.sector * 512) / KiB)).to.deep.equal([0, 4, 128, 132, 256, 260]);
  });

  it('verify reads back every block written, in write order, counted as the job\'s reads', () => {
    const { dev, json } = runFio(`${base}[j]\nrw=randwrite\nbs=4k\nsize=256k\nverify=crc32c`);
    const writes = dev.seen.filter((s) => s.op === 'write').map((s) => s.sector);
    const reads = dev.seen.filter((s) => s.op === 'read').map((s) => s.sector);
    expect(reads).to.deep.equal(writes);
    expect(json.jobs[0].read.total_ios).to.equal(64);
    expect(json.jobs[0].write.total_ios).to.equal(64);
    // verify_backlog=16: reads come in groups of 16 after every 16 writes.
    const backlog = runFio(`${base}[j]\nrw=write\nbs=4k\nsize=256k\nverify=md5\nverify_backlog=16`).dev.seen.map((s) => s.op[0]).join('');
    expect(backlog).to.equal(('w'.repeat(16) + 'r'.repeat(16)).repeat(4));
    // verify_only: no writes, only the reads.
    expect(runFio(`${base}[j]\nrw=write\nbs=4k\nsize=64k\nverify=md5\nverify_only=1`).dev.seen.every((s) => s.op === 'read')).to.equal(true);
  });

  it('verify costs its checksum per byte on the job\'s CPU: every write when prepared, every block read back', () => {
    // psync, one I/O at a time, no CPU model: the checksum time adds to the run as it would
    // to a busy core. Against verify=null (no checksum), the same I/O and reads.
    const run = (v: string, extra = '') => runFio(`${base}[j]\nrw=write\nbs=4k\nsize=256k\nioengine=psync\nverify=${v}\n${extra}`).sim.now;
    const none = run('null');
    const blocks = 64;
    const perBlock = (mbPerS: number) => (4096 / (mbPerS * 1e6)) * 1e9;
    // md5: 483.6 MB/s (plain C, docs/references.md#checksum-rates): 64 writes + 64 reads.
    expect(run('md5') - none).to.be.closeTo(2 * blocks * perBlock(483.6), 1e-3);
    expect(run('sha256') - none).to.be.closeTo(2 * blocks * perBlock(198.0), 1e-3);
    // crc32c with the CPU's instruction: 26,206 MiB/s, ~0.15 us a 4 KiB block.
    expect(run('crc32c') - none).to.be.closeTo(2 * blocks * perBlock(26_206 * 1.048576), 1e-3);
    // do_verify=0: the headers are still written (checksummed), nothing is read back.
    expect(run('md5', 'do_verify=0') - run('null', 'do_verify=0')).to.be.closeTo(blocks * perBlock(483.6), 1e-3);
  });

  it('fdatasync=N and sync=1 flush the device after every N writes, or every write', () => {
    const f = runFio(`${base}[j]\nrw=write\nbs=4k\nsize=64k\nfdatasync=4`);
    expect(f.dev.seen.filter((s) => s.op === 'flush')).to.have.length(4);
    expect(f.json.jobs[0].sync.total_ios).to.equal(4);
    expect(runFio(`${base}[j]\nrw=write\nbs=4k\nsize=64k\nsync=1`).dev.seen.filter((s) => s.op === 'flush')).to.have.length(16);
  });

  it('rate_process=poisson keeps the rate on average with exponential gaps', () => {
    const { dev } = runFio(`${base}[j]\nrw=randread\nbs=4k\nsize=64m\nrate_iops=1000\nrate_process=poisson\nruntime=2\ntime_based`, { serviceNs: 10_000 });
    expect(dev.seen.length).to.be.within(1880, 2120); // 2000 +- 2.6 sigma (Poisson)
    const gaps = dev.seen.slice(1).map((s, i) => s.at - dev.seen[i].at);
    const cv = Math.sqrt(gaps.reduce((a, g) => a + (g - 1e6) ** 2, 0) / gaps.length) / 1e6;
    expect(cv).to.be.within(0.85, 1.15); // exponential: coefficient of variation 1 (linear: ~0)
  });

  it('iodepth_low drains the queue to the low mark before refilling; iodepth_batch_submit submits in batches', () => {
    const low = runFio(`${base}[j]\nrw=randread\nioengine=libaio\niodepth=16\niodepth_low=4\nsize=4m`, { queueDepth: 64 });
    expect(low.dev.maxInFlight).to.equal(16);
    expect(low.json.jobs[0].read.total_ios).to.equal(1024);
    const batch = runFio(`${base}[j]\nrw=randread\nioengine=libaio\niodepth=16\niodepth_batch_submit=8\nsize=4m`, { queueDepth: 64 });
    // The device sees I/Os arrive eight at a time at the same instant.
    const arrivals = new Map<number, number>();
    for (const s of batch.dev.seen) arrivals.set(s.at, (arrivals.get(s.at) ?? 0) + 1);
    expect(Math.max(...arrivals.values())).to.be.at.least(8);
  });

  it('wait_for starts a job after the named one; exitall stops the rest when a job ends', () => {
    const w = runFio(`${base}[a]\nrw=write\nsize=64k\n[b]\nrw=read\nsize=64k\nwait_for=a`);
    const lastWrite = Math.max(...w.dev.seen.filter((s) => s.op === 'write').map((s) => s.at));
    expect(Math.min(...w.dev.seen.filter((s) => s.op === 'read').map((s) => s.at))).to.be.at.least(lastWrite);
    const x = runFio(`${base}[a]\nrw=write\nsize=64k\nexitall\n[b]\nrw=read\nsize=1g`);
    expect(x.json.jobs[1].read.io_bytes).to.be.below(2 ** 20);
  });

  it('$keywords, ${VAR} and arithmetic in values, as fio expands them', () => {
    const vars = { env: { SIZE: '64m' }, pagesize: 4096, ncpus: 8, mbMemory: 2048 };
    const f = parseJobFile('[j]\nsize=${SIZE}\nbs=$pagesize\nnumjobs=$ncpus/2\nio_size=2*$mb_memory\noffset=(1+3)k\nruntime=(1000*10)\nmissing=${NOPE}x', 'x.fio', 1, vars);
    const values = Object.fromEntries(f.jobs[0].options.map((o) => [o.key, o.value]));
    expect(values).to.deep.include({ size: '64m', bs: '4096', numjobs: '4', io_size: '4096', offset: '4k', missing: 'x' });
    const o = jobOptions({ ...f.jobs[0], options: f.jobs[0].options.filter((x) => x.key !== 'missing') }, 'x.fio');
    expect(o.runtime).to.equal(10_000_000); // an expression's time is in microseconds
    expect(evaluateArithmetic('2^3^2')).to.equal(512);
    expect(evaluateArithmetic('7/0')).to.equal(null);
  });

  it('engines: the block engines run; others are refused naming the engine; io_uring_cmd needs an NVMe namespace', () => {
    for (const e of ['vsync', 'pvsync', 'pvsync2', 'mmap']) expect(runFio(`${base}[j]\nioengine=${e}\niodepth=8\nsize=64k`).dev.maxInFlight).to.equal(1);
    expect(runFio(`${base}[j]\nioengine=posixaio\niodepth=8\nrw=randread\nsize=1m`).dev.maxInFlight).to.equal(8);
    expect(fail(`${base}[j]\nioengine=net\nport=8888`)).to.match(/^test\.fio:5: ioengine: ioengine=net \(network sockets\) is not a block engine: dmsim runs sync, psync/);
    // The engine's own options come before it in the file: the engine is still what is named.
    expect(fail(`${base}[j]\nhostname=x\nioengine=http`)).to.match(/^test\.fio:6: ioengine: ioengine=http/);
    expect(fail(`${base}[j]\nioengine=io_uring_cmd`)).to.match(/io_uring_cmd sends NVMe passthrough commands: sda is not an NVMe namespace/);
  });

  it('rate_min: after the 2 s settle, a rate_cycle window below the minimum ends the job with EIO (backend.c check_min_rate)', () => {
    const below = runFio(`${base}[j]\nrw=write\nbs=4k\nsize=8m\nrate=1m\nratemin=2m`);
    expect(below.json.jobs[0].error).to.equal(5);
    expect(below.warnings).to.have.length(1);
    // 1 MiB/s against 2 MiB/s: the first whole window after the settle (2 s + 1 s) fails.
    expect(below.warnings[0]).to.match(/^j: rate_min=2097152B\/s not met, got 10\d\d\d\d\dB\/s$/);
    expect(below.sim.now / 1e9).to.be.within(3, 3.1);
    const above = runFio(`${base}[j]\nrw=write\nbs=4k\nsize=4m\nrate=1m\nrate_min=512k\nrate_cycle=500`);
    expect([above.json.jobs[0].error, above.warnings, above.json.jobs[0].write.io_bytes]).to.deep.equal([0, [], 4 * 2 ** 20]);
    const iops = runFio(`${base}[j]\nrw=write\nbs=4k\nsize=8m\nrate_iops=100\nrate_iops_min=200`);
    expect(iops.warnings[0]).to.match(/^j: rate_iops_min=200 not met, got (99|100|101) IOPS$/);
  });

  it('refuses what it does not model with the line and the reason', () => {
    expect(fail(`${base}[j]\nzonemode=zbd`)).to.match(/^test\.fio:5: zonemode: zonemode=zbd: zoned block devices are not modelled/);
    expect(fail(`${base}[j]\nflow=2`)).to.match(/^test\.fio:5: flow: option 'flow' is not modelled by dmsim: flow control between jobs/);
  });
});
