// `dmsim sweep`: a sweep file run whole, in shards by separate processes, and merged from the
// cache alone; what merge says when something is missing, refused or nondeterministic.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadSweepSpec, runSweepSpec } from '../../kernel-lib/analysis/sweep-spec.js';
import { dmsim, ROOT, SIXTEEN, sweepWithOwnRunner, workspace } from '../helpers/sweep-cli.js';

describe('cli/sweep (sharded over the cache)', function () {
  // Child processes on a shared machine: no outcome depends on how fast they are.
  this.timeout(0);
  let ws: ReturnType<typeof workspace>;
  beforeEach(() => (ws = workspace('dmsim-sweep-cli-')));
  afterEach(() => fs.rmSync(ws.dir, { recursive: true, force: true }));

  it('4 shards as separate processes, then merge, give the one-machine table byte for byte', async () => {
    const one = path.join(ws.dir, 'one.csv');
    const merged = path.join(ws.dir, 'merged.csv');
    const alone = workspace('dmsim-sweep-cli-one-');
    try {
      const r = await dmsim(['sweep', SIXTEEN, '--out', one], alone.env);
      expect(r.code, r.stderr).to.equal(0);
    } finally {
      fs.rmSync(alone.dir, { recursive: true, force: true });
    }
    const shards = await Promise.all([0, 1, 2, 3].map((i) => dmsim(['sweep', SIXTEEN, '--shard', `${i}/4`], ws.env)));
    for (const s of shards) expect(s.code, s.stderr).to.equal(0);
    const m = await dmsim(['sweep', 'merge', SIXTEEN, '--out', merged], ws.env);
    expect(m.code, m.stderr).to.equal(0);
    const table = fs.readFileSync(one, 'utf8');
    expect(fs.readFileSync(merged, 'utf8')).to.equal(table);
    // The spec's metrics only, after the parameters, replicate and seed; 16 rows.
    expect(table.split('\n')[0]).to.equal('x,iterations,replicate,seed,y,noise');
    expect(table.trim().split('\n')).to.have.length(17);
    // Each shard left a marker saying where it ran and what it did (every 4th point).
    for (let i = 0; i < 4; i++) {
      const marker = JSON.parse(fs.readFileSync(path.join(ws.jobs, 'sixteen', `shard-${i}-of-4.json`), 'utf8'));
      expect(marker).to.include({ status: 'done', shard: i, shards: 4, runs: 4, cached: 0, failed: 0, node: process.version });
      expect(marker.host).to.be.a('string').and.not.equal('');
      expect(marker.computed.map((c: { params: { x: number } }) => c.params.x)).to.deep.equal([i, i + 4, i + 8, i + 12]);
    }
    // Computed again from scratch (the cache lost), the same code agrees with itself: the
    // nondeterminism check, which compares every marker ever written, has nothing to say.
    fs.rmSync(path.join(ws.dir, 'cache'), { recursive: true });
    const rerun = await Promise.all([0, 1, 2, 3].map((i) => dmsim(['sweep', SIXTEEN, '--shard', `${i}/4`], ws.env)));
    for (const s of rerun) expect(s.code, s.stderr).to.equal(0);
    const again = await dmsim(['sweep', 'merge', SIXTEEN, '--out', merged], ws.env);
    expect(again.code, again.stderr).to.equal(0);
    expect(fs.readFileSync(merged, 'utf8')).to.equal(table);
    expect(fs.readdirSync(path.join(ws.jobs, 'sixteen', 'history'))).to.have.length(4);
    // A notebook's sweep of the same file finds every run in the cache: nothing recomputed
    // (the runner counts its calls in this thread; one worker runs them here), same table.
    const before = (globalThis as { burnCalls?: number }).burnCalls ?? 0;
    const t = await runSweepSpec(loadSweepSpec(SIXTEEN), { cacheDir: path.join(ws.dir, 'cache'), workers: 1, quiet: true });
    expect(t.info).to.include({ runs: 16, cacheHits: 16 });
    expect((globalThis as { burnCalls?: number }).burnCalls ?? 0).to.equal(before);
    expect(t.toCSV() + '\n').to.equal(table);
  });

  it('merge names the shard that never ran and its points, exits 1, and writes no table', async () => {
    const done = await Promise.all([0, 1, 3].map((i) => dmsim(['sweep', SIXTEEN, '--shard', `${i}/4`], ws.env)));
    for (const d of done) expect(d.code, d.stderr).to.equal(0);
    const out = path.join(ws.dir, 'table.csv');
    const m = await dmsim(['sweep', 'merge', SIXTEEN, '--out', out], ws.env);
    expect(m.code).to.equal(1);
    expect(m.stderr).to.include('12 of 16 runs in the cache');
    expect(m.stderr).to.include('shard 2/4: not started');
    expect(m.stderr).to.match(/missing: \{"iterations":20000,"x":14\} replicate 0 \(seed \d+\) of shard 2\/4/);
    expect(m.stderr).to.not.match(/shard [013]\/4/);
    expect(fs.existsSync(out)).to.equal(false);
    const s = await dmsim(['sweep', 'status', SIXTEEN], ws.env);
    expect(s.stdout).to.include('shard 2/4: not started').and.include('cache: 12 of 16 runs');
  });

  it("a failed run is in its shard's marker with its parameters; merge names it and exits 1; status says the shard must run again", async () => {
    const spec = path.join(ws.dir, 'failing.yaml');
    // Four points, two shards; x=3 (shard 1's second point) fails.
    fs.writeFileSync(spec, `runner: { module: ${path.join(ROOT, 'test/analysis/fixtures/burn.ts')} }\nparams: { iterations: 2000 }\ngrid:\n  - { x: 0 }\n  - { x: 1 }\n  - { x: 2 }\n  - { x: 3, fail: true }\nseed: 9\n`);
    const shards = await Promise.all([0, 1].map((i) => dmsim(['sweep', spec, '--shard', `${i}/2`], ws.env)));
    expect(shards[0]!.code, shards[0]!.stderr).to.equal(0);
    const marker = JSON.parse(fs.readFileSync(path.join(ws.jobs, 'failing', 'shard-1-of-2.json'), 'utf8'));
    expect(marker).to.include({ status: 'done', runs: 2, failed: 1 });
    expect(marker.failures).to.have.length(1);
    expect(marker.failures[0]).to.deep.include({ params: { iterations: 2000, x: 3, fail: true }, replicate: 0, error: 'point asked to fail (x=3)' });
    expect(marker.host).to.be.a('string').and.not.equal('');
    expect(marker.node).to.equal(process.version);
    const out = path.join(ws.dir, 'table.csv');
    const m = await dmsim(['sweep', 'merge', spec, '--out', out], ws.env);
    expect(m.code).to.equal(1);
    expect(m.stderr).to.include('3 of 4 runs in the cache');
    expect(m.stderr).to.match(/failed: \{"fail":true,"iterations":2000,"x":3\} replicate 0 \(seed \d+\): point asked to fail \(x=3\)/);
    expect(m.stderr).to.match(/missing: \{"fail":true,"iterations":2000,"x":3\} replicate 0 \(seed \d+\) of shard 1\/2/);
    expect(fs.existsSync(out)).to.equal(false);
    const s = await dmsim(['sweep', 'status', spec], ws.env);
    expect(s.stdout).to.match(/shard 1\/2: done .*2 runs, 0 cached, 1 failed/).and.include('cache: 3 of 4 runs');
  });

  it('a shard refuses to run when the model changed since the plan, naming both versions', async () => {
    const { spec, changeModel } = sweepWithOwnRunner(ws.dir);
    const plan = await dmsim(['sweep', 'plan', spec, '--shards', '2'], ws.env);
    expect(plan.code, plan.stderr).to.equal(0);
    const planned = /model version ([0-9a-f]{16})/.exec(plan.stdout)![1]!;
    changeModel();
    const r = await dmsim(['sweep', spec, '--shard', '1/2'], ws.env);
    expect(r.code).to.equal(1);
    const m = /shard 1\/2 refused: the model changed: this checkout's model version is ([0-9a-f]{16}), the sweep was planned with ([0-9a-f]{16})/.exec(r.stderr);
    expect(m, r.stderr).to.not.equal(null);
    expect(m![2]).to.equal(planned);
    expect(m![1]).to.not.equal(planned);
    // Nothing was computed under the new model, and merge says why the shard is missing.
    const merge = await dmsim(['sweep', 'merge', spec], ws.env);
    expect(merge.code).to.equal(1);
    expect(merge.stderr).to.include('shard 1/2: refused').and.include('shard 0/2: not started');
  });

  it('a point computed on two hosts with different results is reported as nondeterminism', async () => {
    expect((await dmsim(['sweep', SIXTEEN, '--shard', '1/4'], { ...ws.env, DMSIM_HOST: 'alpha' })).code).to.equal(0);
    // The cache is not shared with the second host: it computes the shard again, differently.
    fs.rmSync(path.join(ws.dir, 'cache'), { recursive: true });
    expect((await dmsim(['sweep', SIXTEEN, '--shard', '1/4'], { ...ws.env, DMSIM_HOST: 'beta', DMSIM_TEST_SALT: '1' })).code).to.equal(0);
    const m = await dmsim(['sweep', 'merge', SIXTEEN], ws.env);
    expect(m.code).to.equal(1);
    for (const x of [1, 5, 9, 13]) {
      expect(m.stderr).to.match(new RegExp(`nondeterminism: \\{"iterations":20000,"x":${x}\\} replicate 0 gave different results on (alpha|beta) .* vs (alpha|beta)`));
    }
  });

  it('merge prints the warnings the sweep printed: replicates identical whatever the seed', async () => {
    // A runner that ignores its seed, as a fio job with randrepeat=1 does for its offsets.
    const runner = path.join(ws.dir, 'seedless.mjs');
    fs.writeFileSync(runner, 'export function run(params) { return { y: Number(params.x) * 2 }; }\n');
    const spec = path.join(ws.dir, 'seedless.yaml');
    fs.writeFileSync(spec, `runner:\n  module: ${runner}\ngrid:\n  x: [1, 2]\nreplicates: 3\nseed: 5\n`);
    const run = await dmsim(['sweep', spec], ws.env);
    expect(run.code, run.stderr).to.equal(0);
    const warning = /warning: sweep seedless: the replicates of 2 of 2 points gave identical results[^]*randrepeat': 0[^\n]*\n/.exec(run.stderr);
    expect(warning, run.stderr).to.not.equal(null);
    const m = await dmsim(['sweep', 'merge', spec], ws.env);
    expect(m.code, m.stderr).to.equal(0);
    expect(m.stderr).to.include(warning![0]);
    expect(m.stdout).to.equal(run.stdout);
  });

  it('--k8s-manifest prints the Indexed Job stored as the expected text, and plans the sweep', async () => {
    const r = await dmsim(['sweep', SIXTEEN, '--k8s-manifest', '--shards', '4'], ws.env);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(fs.readFileSync('test/cli/fixtures/sixteen.k8s.yaml', 'utf8'));
    // Each pod is one shard by its completion index; the plan lets a pod refuse a changed model.
    expect(r.stdout).to.include('completionMode: Indexed').and.include('--shard \\"$JOB_COMPLETION_INDEX/4\\"');
    expect(JSON.parse(fs.readFileSync(path.join(ws.jobs, 'sixteen', 'plan.json'), 'utf8'))).to.include({ shards: 4, runs: 16 });
  });

  it('bad command lines exit 2 with a message; a bad sweep file names its line and field', async () => {
    const r = await dmsim(['sweep', SIXTEEN, '--shard', '4/4'], ws.env);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('--shard 4/4: expected I/N with 0 <= I < N');
    const bad = path.join(ws.dir, 'bad.yaml');
    fs.writeFileSync(bad, 'scenario: examples/ram-dd.yaml\ngrid:\n  seed: [1, 2]\nreplicates: 0\n');
    const b = await dmsim(['sweep', bad], ws.env);
    expect(b.code).to.equal(1);
    expect(b.stderr).to.include(`${bad}:4: replicates: must be a positive integer, got 0`);
    expect(b.stderr).to.not.include('    at ');
  });
});
