import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inputErrorOf as error } from '../helpers/input-error.js';
import { runScenario } from '../../kernel-lib/scenario/run.js';
import { fakeFactory } from './helpers.js';

const SCENARIO = `description: two fake disks under a linear target
seed: 5
devices:
  sda: fake-100us-64m
  sdb: fake-100us-64m
volumes:
  lv: { device: sdb, offset: 32M }
targets:
  both: |
    0 65536 linear sda 0
    65536 65536 linear /dev/vg/lv 0
workload:
  fio: |
    [global]
    filename=/dev/mapper/both
    direct=1
    ioengine=libaio
    iodepth=8
    runtime=200ms
    time_based
    [rand]
    rw=randrw
    randrepeat=0
`;

function tmpFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-scenario-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const withoutWall = (r: ReturnType<typeof runScenario>) => JSON.stringify({ ...r.toJSON(), dmsim: { ...r.dmsim, wall_ms: 0 } });

describe('scenario/run', () => {
  const file = tmpFile('two.yaml', SCENARIO);

  it('builds devices, volumes and targets and runs fio through them', () => {
    const r = runScenario(file, { createDevice: fakeFactory });
    const job = r.fio!.jobs[0];
    expect(job.jobname).to.equal('rand');
    // 8 in flight at 100 us: at most 80 000 IOPS for 0.2 s, split between reads and writes,
    // less a little for the CPU each I/O spends on its way down (fio, two mapped devices' dm
    // core, the block layer) and back.
    expect(job.read.total_ios + job.write.total_ios).to.be.within(15_000, 16_000);
    const devs = Object.fromEntries(r.dmsim.devices.map((d) => [d.name, d]));
    expect(devs.both.kind).to.equal('target');
    expect(devs.lv.kind).to.equal('volume');
    // Half the target maps to each disk: both see about half the I/O.
    expect(devs.sda.readIos + devs.sda.writeIos).to.be.within(7000, 9000);
    expect(devs.sdb.readIos + devs.sdb.writeIos).to.be.within(7000, 9000);
    expect(r.fio!.disk_util.map((d: { name: string }) => d.name)).to.deep.equal(['sda', 'sdb', 'lv', 'both']);
    expect(r.dmsim.simulated_s).to.be.closeTo(0.2, 0.001);
  });

  it('gives the same JSON for the same seed, apart from wall time, and another for another seed', () => {
    const a = withoutWall(runScenario(file, { createDevice: fakeFactory }));
    const b = withoutWall(runScenario(file, { createDevice: fakeFactory }));
    const c = withoutWall(runScenario(file, { createDevice: fakeFactory, seed: 6 }));
    expect(a).to.equal(b);
    expect(a).to.not.equal(c);
  });

  it('applies --set overrides to scenario keys and params', () => {
    const r = runScenario(file, { createDevice: fakeFactory, set: { 'cpu.cores': 1, seed: 'x' } });
    expect(r.dmsim.seed).to.equal('x');
    expect(r.dmsim.cpu_util).to.have.length(1);
  });

  it('points errors inside embedded fio files and tables at the scenario\'s lines', () => {
    const bad = (from: string, to: string) => error(() => runScenario(tmpFile('bad.yaml', SCENARIO.replace(from, to)), { createDevice: fakeFactory }));
    expect(bad('iodepth=8', 'iodepht=8').message).to.match(/bad\.yaml:18: iodepht: 'iodepht' is not a fio option/);
    expect(bad('65536 65536 linear /dev/vg/lv 0', '65536 65536 linear /dev/vg/lv x').message).to.match(/bad\.yaml:11: offset: /);
    expect(bad('65536 65536 linear /dev/vg/lv 0', '65536 65536 linaer /dev/vg/lv 0').message).to.match(/bad\.yaml:11: target: unknown target type 'linaer'/);
    expect(bad('filename=/dev/mapper/both', 'filename=/dev/mapper/nope').message).to.match(/bad\.yaml:15: filename: no device, volume or target called '\/dev\/mapper\/nope'/);
    expect(bad('sda: fake-100us-64m', 'sda: { profile: fake-100us-64m, rpm: 1 }').message).to.match(/\/bad\.yaml:4: devices\.sda\.rpm: unknown parameter/);
    expect(bad('offset: 32M', 'offset: 64M').message).to.match(/\/bad\.yaml:7: volumes\.lv\.offset: offset .* past the end of sdb/);
  });

  it('runs dd and trace workloads', () => {
    const dd = runScenario(
      { devices: { sda: 'fake-1000us-64m' }, workload: { dd: 'if=/dev/zero of=sda bs=64k count=100 oflag=direct' } },
      { createDevice: fakeFactory },
    );
    expect(dd.dd!.text).to.match(/^100\+0 records in\n100\+0 records out\n6553600 bytes \(6\.6 MB, 6\.3 MiB\) copied, 0\.1\d+ s, \d+\.\d MB\/s$/);
    expect(dd.metrics().dd_mb_s).to.be.closeTo(6.5536 / dd.dd!.seconds, 1e-9);
    expect(dd.dd!.seconds).to.be.within(0.1, 0.103); // 100 x 1 ms, plus dd's CPU time
    const trace = tmpFile('t.csv', '128166372003061629,hm,0,Read,4096,4096,100\n128166372003161629,hm,0,Write,8192,8192,100\n');
    const r = runScenario({ devices: { sda: 'fake-100us-64m' }, workload: { trace: { file: trace, format: 'msr', device: 'sda' } } }, { createDevice: fakeFactory });
    expect(r.fio!.jobs[0].jobname).to.equal('replay');
    expect(r.fio!.jobs[0].read.total_ios).to.equal(1);
    expect(r.fio!.jobs[0].write.io_bytes).to.equal(8192);
    expect(r.dmsim.simulated_ns).to.be.closeTo(10_000_000 + 100_000, 1);
  });

  it('trace workloads: workload.trace.from picks the traced device; requests past the end are named, then wrapped', () => {
    const two = tmpFile('two.blkparse', '  8,0 0 1 0.000001000 5 Q R 100 + 8 [x]\n  8,16 0 1 0.000002000 5 Q W 200 + 8 [x]\n  8,16 0 2 0.000003000 5 Q W 999999999 + 8 [x]\n');
    const run = (from?: string) =>
      runScenario({ devices: { sda: 'fake-100us-64m' }, workload: { trace: { file: two, format: 'blkparse', device: 'sda', ...(from === undefined ? {} : { from }) } } }, { createDevice: fakeFactory });
    expect(error(() => run()).message).to.match(/two\.blkparse: the trace has requests of 2 devices \(device 8,0: 1, 8,16: 2\)/);
    const r = run('8:16');
    expect(r.fio!.jobs[0].write.total_ios).to.equal(2);
    expect(r.fio!.jobs[0].read.total_ios).to.equal(0);
    expect(r.dmsim.warnings).to.deep.equal([
      '1 of 2 requests of two.blkparse reach past the end of sda (131072 sectors; the furthest ends at sector 1000000007): replayed at their offset modulo the device\'s size',
    ]);
    expect(run('8,0').dmsim.warnings).to.deep.equal([]);
    expect(error(() => run('8,32')).message).to.match(/workload\.trace\.from: two\.blkparse: no requests of device 8,32 in the trace/);
    expect(error(() => run('sdb')).message).to.match(/workload\.trace\.from: must be the traced device as blkparse names it, major,minor \(e\.g\. "8,16"\), got "sdb"/);
  });

  it('sends direct=0 I/O through the page cache: writes return at memory speed', () => {
    const fio = (direct: number) =>
      runScenario(
        { devices: { sda: 'fake-1000us-64m' }, workload: { fio: `[w]\nfilename=sda\nrw=write\nbs=64k\nsize=4m\ndirect=${direct}\nioengine=libaio\niodepth=4` } },
        { createDevice: fakeFactory },
      );
    const buffered = fio(0);
    expect(buffered.dmsim.warnings).to.deep.equal([]);
    expect(buffered.fio!.jobs[0].write.total_ios).to.equal(64);
    // 16 pages copied at 1 us each, far below the device's 1 ms.
    expect(buffered.fio!.jobs[0].write.clat_ns.mean).to.be.below(50_000);
    expect(buffered.fio!.jobs[0].write.slat_ns.N).to.equal(0); // buffered aio is synchronous
    expect(fio(1).fio!.jobs[0].write.clat_ns.mean).to.be.above(1_000_000);
  });

  it('shows itself in notebooks as text and an HTML table, and flattens to metrics', () => {
    const r = runScenario(file, { createDevice: fakeFactory });
    const b = r._repr_mimebundle_();
    expect(b['text/plain']).to.match(/^rand: \(groupid=0, jobs=1\): err= 0/);
    expect(b['text/plain']).to.match(/Run status group 0 \(all jobs\):\n\s+READ: bw=/);
    expect(b['text/html']).to.match(/<table class="dmsim-table">[\s\S]*<td>read_iops<\/td>/);
    const m = r.metrics();
    expect(m.read_iops).to.equal(r.fio!.jobs[0].read.iops);
    expect(m['read_clat_p99_us']).to.be.a('number');
    for (const v of Object.values(m)) expect(typeof v).to.be.oneOf(['number', 'string', 'boolean']);
  });
});
