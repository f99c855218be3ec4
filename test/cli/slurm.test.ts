// `dmsim sweep --slurm` on a real one-machine Slurm cluster (munge, slurmctld, slurmd from
// Debian, started by scripts/slurm-cluster.sh and stopped by pid after the tests). Where it
// cannot run (not root, not Debian, Slurm not installed) the tests are skipped, saying why
// (test/cli/skip-paths.test.ts takes that path with a host that lacks them).
import { expect } from 'chai';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { whyNoSlurm } from '../helpers/cluster-preconditions.js';
import { dmsim, ROOT, SIXTEEN, sweepWithOwnRunner, oneMachineTable, workspace } from '../helpers/sweep-cli.js';

function squeueLines(env: NodeJS.ProcessEnv, name: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    execFile('squeue', ['--me', '-h', '-r', '-n', name, '-o', '%i %T'], { env: { ...process.env, ...env } }, (e, out) => (e ? reject(e) : resolve(out.split('\n').filter(Boolean)))),
  );
}

/** Until Slurm has none of these jobs (array tasks and merge) queued or running. */
async function drained(env: NodeJS.ProcessEnv, sweepName: string): Promise<void> {
  while ((await squeueLines(env, `dmsim-${sweepName}`)).length + (await squeueLines(env, `dmsim-${sweepName}-merge`)).length > 0) {
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 200));
}

describe('cli/sweep --slurm (a one-machine Slurm cluster)', function () {
  // Real daemons and jobs on a shared machine: nothing here depends on how fast they are.
  this.timeout(0);
  const cluster = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-slurm-'));
  // A port of its own: another cluster on this machine must not answer.
  const port = String(7000 + (process.pid % 500) * 2);
  let slurmEnv: NodeJS.ProcessEnv = {};
  let reference = '';
  let started = false;

  before(async function () {
    const why = whyNoSlurm();
    if (why !== undefined) {
      console.log(`      skipped: no Slurm cluster on this machine: ${why}`);
      this.skip();
    }
    execFileSync(path.join(ROOT, 'scripts/slurm-cluster.sh'), ['start', cluster, port], { stdio: ['ignore', 'pipe', 'inherit'] });
    started = true;
    slurmEnv = { SLURM_CONF: path.join(cluster, 'slurm.conf') };
    // The one-machine table every Slurm run must reproduce byte for byte.
    reference = await oneMachineTable('dmsim-slurm-one-');
  });

  after(() => {
    if (started) execFileSync(path.join(ROOT, 'scripts/slurm-cluster.sh'), ['stop', cluster], { stdio: 'inherit' });
    fs.rmSync(cluster, { recursive: true, force: true });
  });

  let ws: ReturnType<typeof workspace>;
  beforeEach(() => (ws = workspace('dmsim-slurm-ws-')));
  afterEach(() => fs.rmSync(ws.dir, { recursive: true, force: true }));

  it('--slurm --watch runs the shards as an array and gives the one-machine table; markers, logs and site arguments in place', async () => {
    const out = path.join(ws.dir, 'table.csv');
    const env = { ...ws.env, ...slurmEnv };
    const r = await dmsim(['sweep', SIXTEEN, '--slurm', '--shards', '4', '--watch', '--out', out, '--sbatch-arg=--comment=dmsim-test'], env);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/submitted shards 0-3 of 4 of test\/cli\/fixtures\/sixteen.yaml as job \d+, merge job \d+ after it/);
    expect(fs.readFileSync(out, 'utf8')).to.equal(reference);
    const dir = path.join(ws.jobs, 'sixteen');
    for (let i = 0; i < 4; i++) {
      const m = JSON.parse(fs.readFileSync(path.join(dir, `shard-${i}-of-4.json`), 'utf8'));
      expect(m).to.include({ status: 'done', runs: 4, failed: 0 });
      expect(fs.readFileSync(path.join(dir, 'logs', `shard-${i}.log`), 'utf8')).to.include(`shard ${i}/4 of test/cli/fixtures/sixteen.yaml`);
    }
    const script = fs.readFileSync(path.join(dir, 'shards.sbatch'), 'utf8');
    expect(script).to.include('#SBATCH --array=0-3\n').and.include(`#SBATCH --chdir=${ROOT}\n`).and.include('#SBATCH --job-name=dmsim-sixteen\n');
    expect(script).to.include('#SBATCH --comment=dmsim-test\n');
    // The merge job (afterany) wrote its own copy of the table.
    await drained(env, 'sixteen');
    expect(fs.readFileSync(path.join(dir, 'table.csv'), 'utf8')).to.equal(reference);
    // Nothing left to do: a second --slurm submits nothing.
    const again = await dmsim(['sweep', SIXTEEN, '--slurm'], env);
    expect(again.stderr).to.include('all 4 shards of test/cli/fixtures/sixteen.yaml are done: nothing to submit');
  });

  it('a shard killed with SIGKILL makes merge fail naming it; --slurm again resubmits only that shard', async () => {
    const held = path.join(ws.dir, 'held');
    // x=6 is shard 2's second point: the shard caches x=2, then holds until killed.
    const env = { ...ws.env, ...slurmEnv, DMSIM_TEST_HOLD: held, DMSIM_TEST_HOLD_X: '6' };
    const r = await dmsim(['sweep', SIXTEEN, '--slurm', '--shards', '4'], env);
    expect(r.code, r.stderr).to.equal(0);
    await until(() => fs.existsSync(held) && fs.readFileSync(held, 'utf8') !== '');
    process.kill(Number(fs.readFileSync(held, 'utf8')), 'SIGKILL');
    await drained(env, 'sixteen');
    const dir = path.join(ws.jobs, 'sixteen');
    // The merge job ran after the array (afterany) and refused, naming the shard.
    expect(fs.readFileSync(path.join(dir, 'logs', 'merge.log'), 'utf8')).to.match(/shard 2\/4: started on .* not finished/);
    expect(fs.existsSync(path.join(dir, 'table.csv'))).to.equal(false);
    const m = await dmsim(['sweep', 'merge', SIXTEEN], env);
    expect(m.code).to.equal(1);
    expect(m.stderr).to.include('13 of 16 runs in the cache').and.match(/shard 2\/4: started on .*, 1\/4 runs done, not finished/);
    for (const x of [6, 10, 14]) expect(m.stderr).to.include(`missing: {"iterations":20000,"x":${x}} replicate 0`);

    const out = path.join(ws.dir, 'table.csv');
    const again = await dmsim(['sweep', SIXTEEN, '--slurm', '--watch', '--out', out], env);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stderr).to.match(/submitted shards 2 of 4 of test\/cli\/fixtures\/sixteen.yaml as job \d+/);
    expect(fs.readFileSync(path.join(dir, 'shards.sbatch'), 'utf8')).to.include('#SBATCH --array=2\n');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'shard-2-of-4.json'), 'utf8'))).to.include({ status: 'done', runs: 4, cached: 1, failed: 0 });
    expect(fs.readFileSync(out, 'utf8')).to.equal(reference);
    await drained(env, 'sixteen');
  });

  it('a queued shard refuses to run when the model changed after submission', async () => {
    const { spec, changeModel } = sweepWithOwnRunner(ws.dir, 4);
    const env = { ...ws.env, ...slurmEnv };
    // Held in the queue until the model has changed under it (a git pull on the shared checkout).
    const r = await dmsim(['sweep', spec, '--slurm', '--shards', '2', '--sbatch-arg=--hold'], env);
    expect(r.code, r.stderr).to.equal(0);
    const [, job, merge] = /as job (\d+), merge job (\d+)/.exec(r.stderr)!;
    changeModel();
    // Site arguments go to both jobs: the merge was held too.
    execFileSync('scontrol', ['release', `${job},${merge}`], { env: { ...process.env, ...env } });
    await drained(env, 'own');
    for (const i of [0, 1]) {
      const marker = JSON.parse(fs.readFileSync(path.join(ws.jobs, 'own', `shard-${i}-of-2.json`), 'utf8'));
      expect(marker.status).to.equal('refused');
      expect(marker.reason).to.match(/the model changed: this checkout's model version is [0-9a-f]{16}, the sweep was planned with [0-9a-f]{16}/);
    }
    const m = await dmsim(['sweep', 'merge', spec], env);
    expect(m.code).to.equal(1);
    expect(m.stderr).to.include('shard 0/2: refused').and.include('shard 1/2: refused');
  });
});
