import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventEmitter } from 'node:events';
import { runCommand } from '../../kernel-lib/cli/commands/run.js';

const BIN = path.resolve('bin/dmsim.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-cli-'));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function dmsim(...args: string[]) {
  // No time limit: on a loaded machine starting Node and the library takes what it takes.
  const r = spawnSync(process.execPath, [BIN, 'run', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the command in process, capturing what it prints. */
async function inProcess(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => out.push(a.join(' '));
  console.error = (...a: unknown[]) => err.push(a.join(' '));
  try {
    const code = await runCommand(args, new EventEmitter(), 'main');
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

const SMALL = `seed: 1
devices:
  ram0: ram
workload:
  fio: |
    [w]
    filename=/dev/ram0
    direct=1
    rw=randwrite
    ioengine=libaio
    iodepth=4
    size=1m
`;

describe('cli/run', function () {
  // These tests start `dmsim run` processes and worker threads: their wall time depends on
  // the machine's load (load average 28 made one take over 60 s), never their outcome.
  this.timeout(0);
  it('--help lists every option and exits 0', async () => {
    const r = await inProcess('--help');
    expect(r.code).to.equal(0);
    for (const opt of ['--set', '--json', '--trace', '--seed', '--output']) expect(r.stdout).to.include(opt);
  });

  it('a bad command line exits 2 with the usage', async () => {
    expect((await inProcess()).code).to.equal(2);
    const r = await inProcess('x.yaml', '--frobnicate');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^dmsim run: unknown option '--frobnicate'\n\nusage: dmsim run/);
    expect((await inProcess('x.yaml', '--set', 'novalue')).stderr).to.match(/--set needs KEY=VALUE/);
  });

  it('bad input exits 1 with one line naming file, line and key, no stack trace', async () => {
    const bad = write('bad.yaml', SMALL.replace('iodepth=4', 'iodepth=4\n    latency_target=1ms'));
    const r = await inProcess(bad);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.equal(`dmsim run: ${bad}:12: latency_target: option 'latency_target' is not modelled by dmsim: latency-target depth search is not modelled`);
    expect(r.stderr).to.not.match(/\n\s+at /);
    const missing = await inProcess(path.join(dir, 'nope.yaml'));
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/nope\.yaml: cannot read scenario: ENOENT/);
    const unknown = await inProcess(write('u.yaml', SMALL.replace('seed: 1', 'sead: 1')));
    expect(unknown.stderr).to.match(/u\.yaml:1: sead: unknown key/);
    expect((await inProcess(write('p.yaml', SMALL), '--set', 'block.nr_requsts=8')).stderr).to.match(/block\.nr_requsts: unknown block-layer parameter/);
  });

  it('--json prints fio\'s document plus dmsim, byte-identical for the same seed apart from wall time; --trace writes blkparse text', () => {
    const file = write('ok.yaml', SMALL);
    const trace = path.join(dir, 'out.trace');
    const a = dmsim(file, '--json', '--trace', trace);
    expect(a.stderr).to.equal('');
    expect(a.code).to.equal(0);
    const b = dmsim(file, '--json', '--set', 'cpu.cores=4');
    const strip = (s: string) => s.replace(/"wall_ms": [0-9.e+-]+/, '"wall_ms": 0').replace(/"cpu.cores": 4,?\s*/, '');
    const ja = JSON.parse(a.stdout);
    expect(Object.keys(ja)).to.deep.equal(['fio version', 'timestamp', 'timestamp_ms', 'time', 'jobs', 'disk_util', 'dmsim']);
    expect(ja.jobs[0].write.total_ios).to.equal(256);
    expect(strip(a.stdout).replace(/"params": \{\s*\}/, '"params": {}')).to.equal(strip(b.stdout).replace(/"params": \{\s*\}/, '"params": {}'));
    const lines = fs.readFileSync(trace, 'utf8').replace(/\n$/, '').split('\n');
    expect(lines).to.have.length(3 * 256);
    expect(lines[0]).to.match(/^\s+8,0\s+\d+\s+1\s+0\.\d{9}\s+\d+\s+Q\s+WS \d+ \+ 8 \[fio\]$/);
    expect(lines.filter((l) => / C /.test(l))).to.have.length(256);
  });

  it('refuses --set paths through __proto__, constructor or prototype with the path, and changes no prototype', async () => {
    const file = write('proto.yaml', SMALL);
    for (const p of ['devices.__proto__.x', '__proto__', 'constructor', 'params.prototype.x']) {
      const r = await inProcess(file, '--set', `${p}={x: 1}`);
      expect(r.code, p).to.equal(1);
      expect(r.stderr, p).to.equal(`dmsim run: --set: ${p}: '${p.split('.').find((x) => ['__proto__', 'constructor', 'prototype'].includes(x))}' cannot be used as a key or name (it would reach JavaScript's object prototype)`);
    }
    expect(Object.prototype).to.not.have.property('x');
  });

  it('a --set value that is not YAML is a bad command line (exit 2) with a message, not a stack trace', async () => {
    const file = write('setyaml.yaml', SMALL);
    for (const v of ['seed=[1', 'seed={a: 1', 'seed="x']) {
      const r = await inProcess(file, '--set', v);
      expect(r.code, v).to.equal(2);
      expect(r.stderr, v).to.match(new RegExp(`^dmsim run: --set ${v.split('=')[0]}: the value is not valid YAML \\(`));
    }
    const r = dmsim(file, '--set', 'seed=[1');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.not.match(/\n\s+at /);
  });

  it('checks --output and --trace before the run, naming the path given, leaving no temporary file', async () => {
    // The scenario is bad too: the output error coming first shows the check runs before the run.
    const file = write('late.yaml', SMALL.replace('iodepth=4', 'iodepth=4\n    verify=crc32'));
    const missing = path.join(dir, 'no-such-dir', 'out.txt');
    for (const opt of ['--output', '--trace']) {
      const r = await inProcess(file, opt, missing);
      expect(r.code, opt).to.equal(2);
      expect(r.stderr, opt).to.equal(`dmsim run: ${opt} ${missing}: the directory ${path.dirname(missing)} does not exist`);
    }
    const notDir = write('plain-file', 'x');
    const r = await inProcess(file, '--output', path.join(notDir, 'out.txt'));
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(`dmsim run: --output ${path.join(notDir, 'out.txt')}: ${notDir} is not a directory`);
    const sub = fs.mkdtempSync(path.join(dir, 'outdir-'));
    const isDir = await inProcess(write('good.yaml', SMALL), '--output', sub);
    expect(isDir.code).to.equal(2);
    expect(isDir.stderr).to.equal(`dmsim run: --output ${sub}: is a directory`);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('a write that fails after the run names the path given and removes its temporary file', async () => {
    const sub = fs.mkdtempSync(path.join(dir, 'race-'));
    const target = path.join(sub, 'out.txt');
    // The destination turns into a directory after the check: the rename fails.
    const { writeAtomically } = await import('../../kernel-lib/cli/output-file.js');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep'), '');
    let message = '';
    try {
      writeAtomically(target, 'text', '--output');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.match(new RegExp(`^--output ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot write: E`));
    expect(fs.readdirSync(sub)).to.deep.equal(['out.txt']);
  });

  it('an error in a --set value says it came from --set (no unrelated scenario line) and shows .nan/.inf as given', async () => {
    const file = write('setline.yaml', SMALL);
    const cases: [string, string][] = [
      ['block.nr_requests=.inf', 'dmsim run: --set: block.nr_requests: expected an integer >= 4 (BLKDEV_MIN_RQ), got .inf (infinite: .inf, or a number too large for a double such as 1e400)'],
      ['cpu.context_switch_ns=.nan', 'dmsim run: --set: cpu.context_switch_ns: expected a number >= 0, got .nan (not a number)'],
      ['devices.ram0.size_mib=-1', 'dmsim run: --set: devices.ram0.size_mib: expected a finite number >= 0 (MiB), got -1'],
      ['seed=.nan', 'dmsim run: --set: seed: must be a finite number or a string, got .nan (not a number)'],
    ];
    for (const [kv, message] of cases) {
      const r = await inProcess(file, '--set', kv);
      expect(r.code, kv).to.equal(1);
      expect(r.stderr, kv).to.equal(message);
    }
    const seed = await inProcess(file, '--set', 'seed=9007199254740993');
    expect(seed.stderr).to.equal('dmsim run: --set: seed: 9007199254740992 is beyond 2^53, where integers stop being exact (quote it to use it as a string seed)');
    const option = await inProcess(file, '--seed', '9007199254740993');
    expect(option.code).to.equal(2);
    expect(option.stderr.split('\n')[0]).to.equal('dmsim run: --seed 9007199254740993: beyond 2^53, where integers stop being exact (the run would use 9007199254740992)');
  });

  it('Ctrl-C (SIGINT) during a run prints the report of what was done so far and exits 130', async () => {
    const file = write('long.yaml', SMALL.replace('size=1m', 'time_based=1\n    runtime=3600s'));
    const out = path.join(dir, 'interrupted.json');
    const signals = new EventEmitter();
    const err: string[] = [];
    const error = console.error;
    console.error = (...a: unknown[]) => void err.push(a.join(' '));
    let code: number;
    try {
      const running = runCommand([file, '--json', '--output', out], signals);
      // The handler is in place once runCommand has started the worker; the run polls the
      // flag every 4096 events, so it stops at its first check whatever the machine's speed.
      signals.emit('SIGINT');
      code = await running;
    } finally {
      console.error = error;
    }
    expect(code).to.equal(130);
    expect(signals.listenerCount('SIGINT')).to.equal(0);
    expect(err.join('\n')).to.match(/^dmsim run: interrupted \(SIGINT\) after [0-9.]+ s of simulated time; the output covers the run so far$/);
    const doc = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(doc.jobs[0].write.total_ios).to.be.greaterThan(0);
    expect(doc.dmsim.simulated_s).to.be.lessThan(3600);
    expect(doc.dmsim.warnings.join('\n')).to.match(/interrupted at/);
  });

  it('dd prints its lines on stderr, as dd does; writing past the end of the device exits 1 with its ENOSPC line', () => {
    const sc = (count: string) => write(`dd-${count || 'fill'}.yaml`, `seed: 1\ndevices:\n  ram0: { profile: ram, size_mib: 4 }\nworkload:\n  dd: if=/dev/zero of=/dev/ram0 bs=1M ${count} oflag=direct\n`);
    const ok = dmsim(sc('count=2'));
    expect(ok.code).to.equal(0);
    expect(ok.stderr).to.match(/^2\+0 records in\n2\+0 records out\n2097152 bytes \(2\.1 MB, 2\.0 MiB\) copied, [0-9.e-]+ s, [0-9.]+ [kMGT]?B\/s\n$/);
    expect(ok.stdout).to.match(/^dmsim: [0-9.]+ s simulated/);
    expect(ok.stdout).to.not.match(/records/);
    const full = dmsim(sc(''));
    expect(full.code).to.equal(1);
    expect(full.stderr).to.match(/^dd: error writing '\/dev\/ram0': No space left on device\n5\+0 records in\n4\+0 records out\n4194304 bytes \(4\.2 MB, 4\.0 MiB\) copied, /);
    // --json keeps everything in its dd block.
    const doc = JSON.parse(dmsim(sc(''), '--json').stdout);
    expect(doc.dd).to.deep.include({ records_in: 5, records_in_partial: 0, records_out: 4, records_out_partial: 0, bytes: 4194304, exit_status: 1 });
  });
});
