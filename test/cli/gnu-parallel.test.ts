// `dmsim sweep --parallel` through GNU parallel over ssh to two "hosts", 127.0.0.1 and
// 127.0.0.2, served by a throwaway sshd (scripts/ssh-hosts.sh) with its own keys. Skipped,
// saying why, where that cannot run (not root, or openssh-server / parallel not installed).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { whyNoSsh } from '../helpers/cluster-preconditions.js';
import { dmsim, ROOT, SIXTEEN, oneMachineTable, workspace } from '../helpers/sweep-cli.js';

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 200));
}

describe('cli/sweep --parallel (GNU parallel over ssh to two hosts)', function () {
  this.timeout(0);
  const sshDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-ssh-'));
  const port = String(2200 + (process.pid % 500));
  let hosts = '';
  let started = false;
  let reference = '';

  before(async function () {
    const why = whyNoSsh();
    if (why !== undefined) {
      console.log(`      skipped: no ssh hosts on this machine: ${why}`);
      this.skip();
    }
    const ssh = execFileSync(path.join(ROOT, 'scripts/ssh-hosts.sh'), ['start', sshDir, port], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    started = true;
    const user = os.userInfo().username;
    hosts = `1/${ssh} ${user}@127.0.0.1,1/${ssh} ${user}@127.0.0.2`;
    reference = await oneMachineTable('dmsim-par-one-');
  });

  after(() => {
    if (started) execFileSync(path.join(ROOT, 'scripts/ssh-hosts.sh'), ['stop', sshDir], { stdio: 'inherit' });
    fs.rmSync(sshDir, { recursive: true, force: true });
  });

  it('gives the one-machine table with the shards spread over both hosts, a killed shard retried', async () => {
    const ws = workspace('dmsim-par-ws-');
    try {
      const held = path.join(ws.dir, 'held');
      const out = path.join(ws.dir, 'table.csv');
      // x=6 is shard 2's second point: that shard caches x=2, then holds until it is killed.
      const env = { ...ws.env, DMSIM_TEST_HOLD: held, DMSIM_TEST_HOLD_X: '6' };
      const running = dmsim(['sweep', SIXTEEN, '--parallel', hosts, '--shards', '4', '--retries', '2', '--out', out], env);
      await until(() => fs.existsSync(held) && fs.readFileSync(held, 'utf8') !== '');
      process.kill(Number(fs.readFileSync(held, 'utf8')), 'SIGKILL');
      const r = await running;
      expect(r.code, r.stderr).to.equal(0);
      expect(fs.readFileSync(out, 'utf8')).to.equal(reference);
      // parallel's job log (one line per shard, its last attempt): both hosts were used.
      const log = fs.readFileSync(path.join(ws.jobs, 'sixteen', 'parallel.joblog'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
      expect(new Set(log.map((f) => /@(127\.0\.0\.\d)$/.exec(f[1]!)![1]))).to.deep.equal(new Set(['127.0.0.1', '127.0.0.2']));
      expect(log.map((f) => f[6])).to.deep.equal(['0', '0', '0', '0']);
      // Shard 2 ran twice: the killed attempt's marker (archived when the retry started) stopped
      // after one run, and the retry found that run in the cache.
      const history = path.join(ws.jobs, 'sixteen', 'history');
      const killed = fs.readdirSync(history).filter((f) => f.startsWith('shard-2-of-4.')).map((f) => JSON.parse(fs.readFileSync(path.join(history, f), 'utf8')));
      expect(killed.map((m) => [m.status, m.done])).to.deep.equal([['running', 1]]);
      expect(JSON.parse(fs.readFileSync(path.join(ws.jobs, 'sixteen', 'shard-2-of-4.json'), 'utf8'))).to.include({ status: 'done', cached: 1, failed: 0 });
    } finally {
      fs.rmSync(ws.dir, { recursive: true, force: true });
    }
  });
});
