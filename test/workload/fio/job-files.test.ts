// Several files per job, as fio's filesetup.c sizes them and io_u.c's get_next_file picks
// them: checked exactly where fio is exact (round robin, sequential, size split), against
// the distribution's theory with stated tolerances where fio draws (random, zipf).
import { expect } from 'chai';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { FioRun } from '../../../kernel-lib/workload/fio/fio.js';
import { FakeDevice } from '../../dm/fake-device.js';

const NAMES = ['sda', 'sdb', 'sdc', 'sdd'];

/** Runs a job file over four fake devices; `star` maps every other name to sda. */
function run(text: string, star = false) {
  const sim = new Simulation({ seed: 1 });
  const devs = NAMES.map((n) => new FakeDevice(sim, n, 2 ** 21, 10_000));
  // The order in which the devices saw the I/O, by device index.
  const order: number[] = [];
  devs.forEach((d, i) => {
    const submit = d.submit.bind(d);
    d.submit = function* (bio) {
      order.push(i);
      yield* submit(bio);
    };
  });
  const resolve = (n: string) => devs.find((d) => d.name === n.replace(/^\/dev\//, '')) ?? (star ? devs[0] : undefined);
  const fio = new FioRun({ sim, cpus: null, resolveFile: resolve, cpuNsPerIo: 1000, source: 'test.fio', warn: () => {} }, text, 'test.fio');
  sim.run({ until: fio.start() });
  return { devs, order, fio };
}

function error(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const kib = (d: FakeDevice) => d.seen.filter((s) => s.op === 'write' || s.op === 'read').reduce((a, s) => a + s.sectors / 2, 0);

describe('workload/fio/job-files: several files per job', () => {
  it('filename=a:b splits size over the files and serves them round robin, each from its own start', () => {
    const { devs, order } = run('[j]\nfilename=/dev/sda:/dev/sdb\ndirect=1\nrw=write\nbs=4k\nsize=64k');
    expect(order).to.deep.equal(Array.from({ length: 16 }, (_, i) => i % 2));
    expect(devs[0].seen.map((s) => s.sector)).to.deep.equal([0, 8, 16, 24, 32, 40, 48, 56]);
    expect([kib(devs[0]), kib(devs[1])]).to.deep.equal([32, 32]);
  });

  it('file_service_type: roundrobin:2 takes two I/Os per file, sequential finishes a file before the next', () => {
    expect(run('[j]\nfilename=/dev/sda:/dev/sdb:/dev/sdc\ndirect=1\nrw=read\nbs=4k\nsize=48k\nfile_service_type=roundrobin:2').order).to.deep.equal([0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2]);
    expect(run('[j]\nfilename=/dev/sda:/dev/sdb:/dev/sdc\ndirect=1\nrw=read\nbs=4k\nsize=48k\nfile_service_type=sequential').order).to.deep.equal([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  });

  it('random: each file gets its share of the I/O and no more (a done file is not drawn again)', () => {
    const { devs, order } = run('[j]\nfilename=/dev/sda:/dev/sdb:/dev/sdc:/dev/sdd\ndirect=1\nrw=randread\nbs=4k\nsize=4m\nfile_service_type=random');
    // Exact: size/4 per file, whatever the draws.
    expect(devs.map(kib)).to.deep.equal([1024, 1024, 1024, 1024]);
    // The draws are not round robin: in the first 400 I/Os a file follows itself about 1 time in 4 (binomial, +-4 sd).
    const repeats = order.slice(1, 400).filter((f, i) => f === order[i]).length;
    expect(repeats).to.be.within(399 / 4 - 4 * Math.sqrt((399 * 3) / 16), 399 / 4 + 4 * Math.sqrt((399 * 3) / 16));
  });

  it('zipf:1.2 over four files: each file\'s share is the zipf mass of its 1024 ranges (fio draws over nr_files << 10)', () => {
    const { order } = run('[j]\nfilename=/dev/sda:/dev/sdb:/dev/sdc:/dev/sdd\ndirect=1\nrw=randread\nbs=4k\nsize=16m\nnumber_ios=4000\nfile_service_type=zipf:1.2');
    const n = 4096;
    let h = 0;
    const mass = [0, 0, 0, 0];
    for (let k = 1; k <= n; k++) {
      h += k ** -1.2;
      mass[(k - 1) >> 10] += k ** -1.2;
    }
    const counts = [0, 1, 2, 3].map((f) => order.filter((x) => x === f).length);
    expect(order).to.have.length(4000);
    for (let f = 0; f < 4; f++) {
      const p = mass[f] / h;
      const sd = Math.sqrt(4000 * p * (1 - p));
      expect(counts[f], `file ${f}`).to.be.within(4000 * p - 4 * sd, 4000 * p + 4 * sd);
    }
  });

  it('nrfiles with directory= names jobname.jobnum.filenum (filename_format), and two files on one device are refused', () => {
    expect(error(() => run('[j]\ndirectory=/data\nnrfiles=4\nsize=64k', true))).to.equal(
      "test.fio:3: nrfiles: the job's files /data/j.0.0 and /data/j.0.1 are both sda: several files per job need files of a mounted file system (fio in a shell workload) or distinct devices",
    );
    // filename_format names the files ($jobname, $jobnum, $filenum).
    const sim = new Simulation({ seed: 1 });
    const devs = NAMES.map((n) => new FakeDevice(sim, n, 2 ** 21, 10_000));
    const byName: Record<string, FakeDevice> = { '/data/f-0-j': devs[0], '/data/f-1-j': devs[1], '/data/f-2-j': devs[2] };
    const fio = new FioRun({ sim, cpus: null, resolveFile: (n) => byName[n], cpuNsPerIo: 1000, source: 't', warn: () => {} }, '[j]\ndirectory=/data\nfilename_format=f-$filenum-$jobname\nnrfiles=3\nsize=12k\ndirect=1\nrw=write', 't');
    expect(fio.jobs[0].files.map((f) => f.name)).to.deep.equal(['/data/f-0-j', '/data/f-1-j', '/data/f-2-j']);
    sim.run({ until: fio.start() });
    expect(devs.map(kib)).to.deep.equal([4, 4, 4, 0]);
  });

  it('openfiles below the number of files is refused at its line; at or above it changes nothing', () => {
    expect(error(() => run('[j]\nfilename=/dev/sda:/dev/sdb:/dev/sdc\nopenfiles=2\nsize=12k'))).to.equal("test.fio:3: openfiles: openfiles=2 is below the job's 3 files: keeping some of them closed is not modelled");
    const plain = run('[j]\nfilename=/dev/sda:/dev/sdb\ndirect=1\nrw=write\nsize=16k').order;
    expect(run('[j]\nfilename=/dev/sda:/dev/sdb\nopenfiles=2\ndirect=1\nrw=write\nsize=16k').order).to.deep.equal(plain);
  });

  it('the files of filename=a:b with neither size nor filesize: each file is its whole device', () => {
    const sim = new Simulation({ seed: 1 });
    const a = new FakeDevice(sim, 'sda', 64, 10_000);
    const b = new FakeDevice(sim, 'sdb', 128, 10_000);
    const fio = new FioRun({ sim, cpus: null, resolveFile: (n) => (n === 'sda' ? a : n === 'sdb' ? b : undefined), cpuNsPerIo: 1000, source: 't', warn: () => {} }, '[j]\nfilename=sda:sdb\ndirect=1\nrw=write\nbs=4k', 't');
    sim.run({ until: fio.start() });
    expect([kib(a), kib(b)]).to.deep.equal([32, 64]);
  });
});
