// verify_async=N (fio's verify.c): the blocks read back are checked on N threads of their
// own, not on the job's thread; an io_u stays held until its block is checked, so reads in
// flight plus blocks waiting never exceed iodepth.
import { expect } from 'chai';
import { runFio } from './helpers.js';
import { verifyChecksumNs } from '../../../kernel-lib/workload/fio/verify-cost.js';

const job = (extra: string) => `[j]\nfilename=/dev/sda\ndirect=1\nrw=write\nbs=4k\nsize=1m\nverify=md5\n${extra}`;
const cpuOf = (r: ReturnType<typeof runFio>, name: RegExp) => r.cpus!.threads.filter((t) => name.test(t.name)).reduce((a, t) => a + t.cpuNs, 0);

describe('workload/fio/verify-async', function () {
  this.timeout(0);

  it('moves the read-back checksums off the job thread onto the verify threads, exactly, with the same I/O', () => {
    const sum = 256 * verifyChecksumNs('md5', 4096);
    const sync = runFio(job('ioengine=libaio\niodepth=8'), { cores: 4, serviceNs: 20_000 });
    const async = runFio(job('ioengine=libaio\niodepth=8\nverify_async=2'), { cores: 4, serviceNs: 20_000 });
    expect(async.json.jobs[0].read.total_ios).to.equal(256);
    expect(async.dev.seen.map((s) => [s.op, s.sector])).to.deep.equal(sync.dev.seen.map((s) => [s.op, s.sector]));
    const jobThread = /^fio\/j\.0$/;
    expect(cpuOf(sync, jobThread) - cpuOf(async, jobThread)).to.be.closeTo(sum, sum * 1e-9);
    expect(cpuOf(async, /^fio\/j\.0\/verify\d$/)).to.be.closeTo(sum, sum * 1e-9);
    expect(cpuOf(sync, /verify/)).to.equal(0);
  });

  it('an io_u is held until its block is checked: with one io_u (a sync engine) reads and checks never overlap', () => {
    // md5 of 4 KiB is ~8.5 us; the device takes 20 us. With psync (iodepth 1) the verify
    // phase is 256 x (read + check) whether the check is on the job thread or another.
    const check = verifyChecksumNs('md5', 4096);
    const one = runFio(job('ioengine=psync\nverify_async=1'), { cores: 4, serviceNs: 20_000 });
    const reads = one.dev.seen.filter((s) => s.op === 'read').map((s) => s.at);
    const gaps = reads.slice(1).map((t, i) => t - reads[i]);
    expect(Math.min(...gaps)).to.be.at.least(20_000 + check);
    // With libaio at iodepth 8 the checks overlap the reads: the verify phase is shorter.
    const deep = runFio(job('ioengine=libaio\niodepth=8\nverify_async=1'), { cores: 4, serviceNs: 20_000 });
    const span = (r: ReturnType<typeof runFio>) => {
      const t = r.dev.seen.filter((s) => s.op === 'read').map((s) => s.at);
      return t[t.length - 1] - t[0];
    };
    expect(span(deep)).to.be.below(span(one) / 2);
  });
});
