// The paths the sharded-sweep tests take where the real infrastructure is missing, and the
// launchers' "only what is missing" rule, without Slurm or ssh: on the machines that run CI the
// Slurm and GNU parallel tests run for real, so their skip path is exercised here instead.
//  - the detection, on made-up hosts (not Linux, not root, not Debian, a program missing);
//  - the Slurm and GNU parallel suites run by mocha with no sbatch or parallel on PATH: every
//    test is skipped (none passes) and the reason is printed;
//  - --slurm and --parallel with a stand-in sbatch/squeue/parallel that record what they were
//    asked: a shard whose marker says done is not submitted again, a missing or unfinished one is.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { whyNoSlurm, whyNoSsh, type Host } from '../helpers/cluster-preconditions.js';
import { dmsim, ROOT, SIXTEEN, workspace } from '../helpers/sweep-cli.js';

const SLURM_FILES = ['/etc/debian_version', '/usr/sbin/munged', '/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/sshd'];
const CLIENTS = ['sbatch', 'squeue', 'sinfo', 'scontrol', 'ssh', 'ssh-keygen', 'parallel'];

/** A Linux host as root with everything installed, minus `without` (paths or client names). */
function host(overrides: Partial<Host> = {}, without: string[] = []): Host {
  const files = new Set([...SLURM_FILES, ...CLIENTS.map((c) => `/usr/bin/${c}`)].filter((f) => !without.includes(f) && !without.includes(path.basename(f))));
  return { platform: 'linux', uid: 0, PATH: '/usr/local/bin:/usr/bin:/bin', exists: (f) => files.has(f), ...overrides };
}

describe('cli/sweep skip paths and resubmission (no Slurm or ssh needed)', function () {
  // Child processes (mocha, dmsim) on a shared machine: no limit that depends on its load.
  this.timeout(0);

  describe('detection', () => {
    it('a host with everything installed, as root on Debian, runs both suites', () => {
      expect(whyNoSlurm(host())).to.equal(undefined);
      expect(whyNoSsh(host())).to.equal(undefined);
    });

    it('names what is missing: not Linux, not root, not Debian, a daemon, a client not on PATH', () => {
      expect(whyNoSlurm(host({ platform: 'darwin' }))).to.equal('not Linux (darwin)');
      expect(whyNoSlurm(host({ uid: 1000 }))).to.match(/^not root: slurmd must run as root/);
      expect(whyNoSsh(host({ uid: undefined }))).to.match(/^not root: the throwaway sshd needs root/);
      expect(whyNoSlurm(host({}, ['/etc/debian_version']))).to.match(/^not Debian/);
      // ssh does not need Debian.
      expect(whyNoSsh(host({}, ['/etc/debian_version']))).to.equal(undefined);
      expect(whyNoSlurm(host({}, ['/usr/sbin/slurmd']))).to.match(/^\/usr\/sbin\/slurmd is not installed: make test installs it/);
      expect(whyNoSsh(host({}, ['/usr/sbin/sshd']))).to.match(/^\/usr\/sbin\/sshd is not installed/);
      expect(whyNoSlurm(host({}, ['sbatch']))).to.equal('sbatch is not on PATH (/usr/local/bin:/usr/bin:/bin): make test installs it (scripts/ensure-debian-packages.sh slurmctld slurmd slurm-client munge)');
      expect(whyNoSsh(host({}, ['parallel']))).to.match(/^parallel is not on PATH/);
      // Installed, but not where PATH looks.
      expect(whyNoSlurm(host({ PATH: '/opt/bin' }))).to.match(/^sbatch is not on PATH \(\/opt\/bin\)/);
      expect(whyNoSsh(host({ PATH: '' }))).to.match(/^ssh is not on PATH \(empty\)/);
    });
  });

  describe('the suites on a machine without sbatch and parallel on PATH', () => {
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-skip-'))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('skips every Slurm and GNU parallel test, saying why, and passes none', async () => {
      const report = path.join(dir, 'report.json');
      // An empty folder as PATH: this is a machine with none of the programs, whoever runs it.
      const empty = path.join(dir, 'bin');
      fs.mkdirSync(empty);
      const args = ['node_modules/mocha/bin/mocha.js', '--no-config', '--node-option', 'import=./bin/register-ts.mjs', '--reporter', 'json', '--reporter-option', `output=${report}`, 'test/cli/slurm.test.ts', 'test/cli/gnu-parallel.test.ts'];
      const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(process.execPath, args, { cwd: ROOT, env: { ...process.env, PATH: empty }, maxBuffer: 1 << 24 }, (e, stdout, stderr) => resolve({ code: e ? Number(e.code ?? 1) : 0, stdout, stderr })),
      );
      expect(out.code, out.stderr).to.equal(0);
      expect(out.stdout).to.include(`skipped: no Slurm cluster on this machine: sbatch is not on PATH (${empty})`);
      expect(out.stdout).to.include(`skipped: no ssh hosts on this machine: ssh is not on PATH (${empty})`);
      const r = JSON.parse(fs.readFileSync(report, 'utf8')) as { stats: { tests: number; passes: number; failures: number; pending: number }; pending: { fullTitle: string }[] };
      // Three Slurm tests and the GNU parallel ones: all pending, none passed or failed.
      expect(r.stats.passes).to.equal(0);
      expect(r.stats.failures).to.equal(0);
      expect(r.stats.pending).to.equal(r.stats.tests);
      expect(r.pending.filter((t) => t.fullTitle.startsWith('cli/sweep --slurm')).length).to.equal(3);
      expect(r.pending.filter((t) => t.fullTitle.startsWith('cli/sweep --parallel')).length).to.be.greaterThan(0);
    });
  });

  describe('--slurm and --parallel launch only the shards not done (stand-in sbatch, squeue, parallel)', () => {
    let ws: ReturnType<typeof workspace>;
    let bin: string;
    let calls: string;
    let queued: string;
    let env: NodeJS.ProcessEnv;
    beforeEach(() => {
      ws = workspace('dmsim-resubmit-');
      bin = path.join(ws.dir, 'bin');
      calls = path.join(ws.dir, 'calls.log');
      queued = path.join(ws.dir, 'queued');
      fs.mkdirSync(bin);
      // sbatch --parsable prints the job id; squeue prints the array tasks listed in `queued`.
      const script = (body: string) => `#!/bin/sh\n${body}\n`;
      fs.writeFileSync(path.join(bin, 'sbatch'), script(`echo "sbatch $*" >> '${calls}'\nn=$(wc -l < '${calls}')\necho $((100 + n))`), { mode: 0o755 });
      fs.writeFileSync(path.join(bin, 'squeue'), script(`[ -f '${queued}' ] && cat '${queued}'\nexit 0`), { mode: 0o755 });
      fs.writeFileSync(path.join(bin, 'parallel'), script(`echo "parallel $*" >> '${calls}'\nexit 0`), { mode: 0o755 });
      env = { ...ws.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
    });
    afterEach(() => fs.rmSync(ws.dir, { recursive: true, force: true }));

    const shard = async (i: number) => {
      const r = await dmsim(['sweep', SIXTEEN, '--shard', `${i}/4`], env);
      expect(r.code, r.stderr).to.equal(0);
    };
    const callLines = () => (fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').trim().split('\n') : []);
    const jobs = () => path.join(ws.jobs, 'sixteen');

    it('submits the array of the shards without a done marker, then the merge after it; nothing once all are done', async () => {
      await shard(1);
      await shard(3);
      const r = await dmsim(['sweep', SIXTEEN, '--slurm', '--shards', '4'], env);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.include('submitted shards 0,2 of 4 of test/cli/fixtures/sixteen.yaml as job 101, merge job 102 after it');
      expect(callLines()).to.deep.equal([`sbatch --parsable ${path.join(jobs(), 'shards.sbatch')}`, `sbatch --parsable --dependency=afterany:101 ${path.join(jobs(), 'merge.sbatch')}`]);
      expect(fs.readFileSync(path.join(jobs(), 'shards.sbatch'), 'utf8')).to.include('#SBATCH --array=0,2\n');

      // Shard 0 is still queued (squeue lists it); shard 2 ran. Nothing is submitted twice.
      await shard(2);
      fs.writeFileSync(queued, '0\n');
      const again = await dmsim(['sweep', SIXTEEN, '--slurm'], env);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stderr).to.include('shards 0 of test/cli/fixtures/sixteen.yaml are already queued or running: not submitted again');
      expect(callLines()).to.have.length(2);

      fs.rmSync(queued);
      await shard(0);
      const done = await dmsim(['sweep', SIXTEEN, '--slurm'], env);
      expect(done.code, done.stderr).to.equal(0);
      expect(done.stderr).to.include('all 4 shards of test/cli/fixtures/sixteen.yaml are done: nothing to submit');
      expect(callLines()).to.have.length(2);
    });

    it('resubmits a shard whose marker never finished (killed) or that had failures, not the done ones', async () => {
      for (const i of [0, 1, 2, 3]) await shard(i);
      const marker = (i: number) => path.join(jobs(), `shard-${i}-of-4.json`);
      const edit = (i: number, change: Record<string, unknown>) => fs.writeFileSync(marker(i), JSON.stringify({ ...JSON.parse(fs.readFileSync(marker(i), 'utf8')), ...change }));
      edit(1, { status: 'running', finished: undefined }); // killed mid-way: its marker stayed 'running'
      edit(3, { failed: 1 });
      const r = await dmsim(['sweep', SIXTEEN, '--slurm'], env);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.include('submitted shards 1,3 of 4');
      expect(fs.readFileSync(path.join(jobs(), 'shards.sbatch'), 'utf8')).to.include('#SBATCH --array=1,3\n');
    });

    it('--parallel hands GNU parallel only the shards not done', async () => {
      await shard(0);
      await shard(2);
      const r = await dmsim(['sweep', SIXTEEN, '--parallel', ':', '--shards', '4'], env);
      expect(r.stderr).to.include('running shards 1,3 of 4 of test/cli/fixtures/sixteen.yaml with GNU parallel on :');
      const [call] = callLines();
      expect(call).to.match(/ ::: 1 3$/);
      // The stand-in ran nothing: the merge names the two shards and fails.
      expect(r.code).to.equal(1);
      expect(r.stderr).to.include('shard 1/4: not started (no marker for this plan)').and.include('shard 3/4: not started');
      expect(r.stderr).not.to.include('shard 0/4: not started');
    });
  });
});
