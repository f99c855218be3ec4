// `dmsim fio`: fio's command line over a scenario's stack, in process (the simulation on the
// main thread), against the same job run as a scenario workload.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventEmitter } from 'node:events';
import { fioCommand } from '../../kernel-lib/cli/commands/fio.js';
import { runScenario } from '../../kernel-lib/scenario/run.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-fio-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

async function fio(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  const w = process.stdout.write;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    const code = await fioCommand(args, new EventEmitter(), 'main');
    return { code, stdout: out.join(''), stderr: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
    process.stdout.write = w;
  }
}

const STACK = write('stack.yaml', 'seed: 1\ndevices:\n  ram0: ram\n  ram1: ram\n');
const JOB = write('job.fio', '[global]\nfilename=datafile.tmp\ndirect=1\nsize=1m\n[a]\nrw=randwrite\nbs=4k\n[b]\nstonewall\nrw=read\nbs=64k\n');

describe('cli/fio', function () {
  this.timeout(0);

  it('runs a job file unchanged with its file mapped to a device, as the same job in a scenario', async () => {
    const r = await fio('--scenario', STACK, '--map', '*=ram0', '--output-format=json', JOB);
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
    const doc = JSON.parse(r.stdout);
    const same = runScenario({ seed: 1, devices: { ram0: 'ram', ram1: 'ram' }, workload: { fio: fs.readFileSync(JOB, 'utf8').replaceAll('datafile.tmp', '/dev/ram0') } });
    expect(doc.jobs.map((j: any) => [j.jobname, j.write.total_ios, j.read.total_ios, j.write.bw_bytes])).to.deep.equal(
      (same.fio as any).jobs.map((j: any) => [j.jobname, j.write.total_ios, j.read.total_ios, j.write.bw_bytes]),
    );
    expect(doc.jobs[0].write.total_ios).to.equal(256);
  });

  it('--section runs only the named job; command-line options are defaults the file overrides', async () => {
    const r = await fio('--scenario', STACK, '--map', '*=ram0', '--output-format=json', '--section=b', '--bs=16k', '--size=256k', JOB);
    const doc = JSON.parse(r.stdout);
    expect(doc.jobs.map((j: any) => j.jobname)).to.deep.equal(['b']);
    // bs=64k in [b] wins over --bs=16k; size=1m in [global] wins over --size=256k.
    expect(doc.jobs[0].read.total_ios).to.equal(16);
  });

  it('jobs on the command line, --output through a temporary file, --map to a named device', async () => {
    const out = path.join(dir, 'out.json');
    const r = await fio('--scenario', STACK, '--map', 'x=ram1', '--output-format=json', `--output=${out}`, '--filename=x', '--direct=1', '--name=cmd', '--rw=write', '--size=128k');
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal('');
    const doc = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(doc.jobs[0].jobname).to.equal('cmd');
    expect(doc.jobs[0].write.total_ios).to.equal(32);
    expect(doc.disk_util.find((d: any) => d.name === 'ram1').write_ios).to.equal(32);
  });

  it('bad input names the file, line and option; bad command lines exit 2', async () => {
    const bad = write('bad.fio', '[j]\nfilename=/dev/ram0\nioengine=rdma\n');
    const r = await fio('--scenario', STACK, bad);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/^dmsim fio: .*bad\.fio:3: ioengine: ioengine=rdma \(RDMA\) is not a block engine/);
    expect((await fio(JOB)).code).to.equal(2);
    expect((await fio('--scenario', STACK, '--output-format=terse', JOB)).stderr).to.match(/terse and json\+ are not produced/);
    const cl = await fio('--scenario', STACK, '--latency_target=1ms', JOB);
    expect(cl.stderr).to.match(/^dmsim fio: <command line>: latency_target: option 'latency_target' is not modelled/);
    expect((await fio('--scenario', STACK, '--section=zz', JOB)).stderr).to.match(/--section=zz: no job \[zz\] in the file/);
  });
});
