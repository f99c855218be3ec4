import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deriveSeed } from '../../kernel-lib/analysis/seeds.js';
import { sweep, type SweepOptions } from '../../kernel-lib/analysis/sweep.js';
import { sweepCacheStats } from '../../kernel-lib/analysis/sweep-cache.js';

const BURN = 'test/analysis/fixtures/burn.ts';
const calls = () => (globalThis as { burnCalls?: number }).burnCalls ?? 0;

describe('analysis/sweep', function () {
  // Generous: sweeps start worker threads and real simulations; no outcome depends on how fast.
  this.timeout(600_000);
  let cacheDir: string;
  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-sweep-test-'));
  });
  afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  const base = (extra: Partial<SweepOptions> = {}): SweepOptions => ({
    runner: { module: BURN },
    grid: { x: [1, 2, 3] },
    params: { iterations: 2000 },
    replicates: 2,
    seed: 11,
    workers: 1,
    cache: false,
    quiet: true,
    ...extra,
  });

  it('returns one row per run: parameters, replicate, seed, then metrics, in grid order', async () => {
    const t = await sweep(base());
    expect(t.columnNames()).to.deep.equal(['x', 'iterations', 'replicate', 'seed', 'y', 'noise', 'label', 'even']);
    expect(t.array('x')).to.deep.equal([1, 1, 2, 2, 3, 3]);
    expect(t.array('replicate')).to.deep.equal([0, 1, 0, 1, 0, 1]);
    expect(t.array('label')).to.deep.equal(['x1', 'x1', 'x2', 'x2', 'x3', 'x3']);
    expect(t.get('seed', 2)).to.equal(deriveSeed(11, { iterations: 2000, x: 2 }, 0));
    expect(t.failures).to.deep.equal([]);
    expect(t.info).to.include({ runs: 6, failed: 0, cacheHits: 0, seed: 11, runner: `${BURN}#run` });
  });

  it('gives identical tables for the same grid and seed, with 1 or 2 workers', async () => {
    const first = await sweep(base());
    const again = await sweep(base());
    const pooled = await sweep(base({ workers: 2 }));
    expect(again.objects()).to.deep.equal(first.objects());
    expect(pooled.objects()).to.deep.equal(first.objects());
    // Replicates really differ (their seeds do), or the comparison above proves little.
    expect(first.get('noise', 0)).to.not.equal(first.get('noise', 1));
  });

  it('gives a point the same seed and result whatever else is in the grid', async () => {
    const full = await sweep(base());
    const alone = await sweep(base({ grid: { x: [3] } }));
    const fromFull = full.objects().filter((row) => (row as { x: number }).x === 3);
    expect(alone.objects()).to.deep.equal(fromFull);
  });

  it('changes every seed with the base seed', async () => {
    const a = await sweep(base());
    const b = await sweep(base({ seed: 12 }));
    const shared = (a.array('seed') as number[]).filter((s) => (b.array('seed') as number[]).includes(s));
    expect(shared).to.deep.equal([]);
  });

  it('awaits asynchronous runners', async () => {
    const t = await sweep(base({ runner: { module: BURN, export: 'runAsync' }, replicates: 1 }));
    const sync = await sweep(base({ replicates: 1 }));
    expect(t.objects()).to.deep.equal(sync.objects());
  });

  for (const workers of [1, 2]) {
    it(`keeps the other points when one fails, and reports it with its parameters (${workers} worker(s))`, async () => {
      const t = await sweep(base({ grid: [{ x: 1 }, { x: 2, fail: true }, { x: 3 }], replicates: 1, workers }));
      expect(t.array('x')).to.deep.equal([1, 3]);
      expect(t.failures).to.have.length(1);
      expect(t.failures[0]!.params).to.deep.equal({ iterations: 2000, x: 2, fail: true });
      expect(t.failures[0]!.replicate).to.equal(0);
      expect(t.failures[0]!.error).to.equal('point asked to fail (x=2)');
      expect(t.info.failed).to.equal(1);
    });
  }

  it('a runner calling process.exit costs only its point, even when it is the only point left to run (2 workers)', async () => {
    // The cause of the rare whole-process exit: one uncached point ran in this thread.
    const cached = await sweep(base({ runner: { module: BURN, export: 'exitRun' }, grid: [{ x: 1 }], replicates: 1, workers: 2, cache: true, cacheDir }));
    expect(cached.info.failed).to.equal(0);
    const t = await sweep(
      base({ runner: { module: BURN, export: 'exitRun' }, grid: [{ x: 1 }, { x: 2, exit: true }], replicates: 1, workers: 2, cache: true, cacheDir }),
    );
    expect(t.array('x')).to.deep.equal([1]);
    expect(t.failures).to.have.length(1);
    expect(t.failures[0]!.params).to.deep.include({ x: 2 });
    expect(t.failures[0]!.error).to.match(/exit/i);
    // Every time: the pool still works afterwards.
    const again = await sweep(base({ runner: { module: BURN, export: 'exitRun' }, grid: [{ x: 2, exit: true }, { x: 3 }], replicates: 1, workers: 2 }));
    expect(again.array('x')).to.deep.equal([3]);
  });

  it('a runner calling process.exit in this thread (1 worker) fails its point only', async () => {
    const t = await sweep(base({ runner: { module: BURN, export: 'exitRun' }, grid: [{ x: 1 }, { x: 2, exit: true }], replicates: 1, workers: 1 }));
    expect(t.array('x')).to.deep.equal([1]);
    expect(t.failures[0]!.error).to.match(/process\.exit\(3\)/);
  });

  it('stops a point at its time limit: a busy loop in a worker thread, a promise that never settles in this thread', async () => {
    // Only the never-ending points are in these sweeps, so no outcome depends on the machine's speed.
    for (const [hang, workers] of [[true, 2], ['await', 1]] as const) {
      let error: Error | undefined;
      await sweep(base({ runner: { module: BURN, export: 'hangRun' }, grid: [{ x: 2, hang }], replicates: 1, workers, pointTimeoutMs: 300 })).catch((e: Error) => (error = e));
      expect(error?.message, `hang: ${hang}`).to.match(/"hang":.*the run did not finish within 0\.3 s/);
    }
    // The pool works on after its thread was ended.
    const after = await sweep(base({ grid: [{ x: 1 }, { x: 2 }], replicates: 1, workers: 2 }));
    expect(after.array('x')).to.deep.equal([1, 2]);
  });

  it('throws when every run fails, naming the parameters and the cause', async () => {
    let error: Error | undefined;
    await sweep(base({ grid: { x: [5], fail: [true] }, replicates: 1 })).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/all 1 runs failed/);
    expect(error?.message).to.include('{"iterations":2000,"x":5,"fail":true} replicate 0');
    expect(error?.message).to.include('point asked to fail (x=5)');
  });

  it('says which export is missing and which exist', async () => {
    let error: Error | undefined;
    await sweep(base({ runner: { module: BURN, export: 'nope' }, replicates: 1 })).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/no function export 'nope' \(its function exports: badMetrics, exitRun, hangRun, paramNames, run, runAsync, seedless\)/);
  });

  it('rejects a missing runner module and bad options before running anything', async () => {
    let error: Error | undefined;
    await sweep(base({ runner: { module: 'test/analysis/fixtures/missing.ts' } })).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/runner module not found: test\/analysis\/fixtures\/missing.ts/);
    await sweep(base({ replicates: 0 })).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/'replicates' must be a positive integer, got 0/);
    await sweep(base({ workers: 1.5, cache: false })).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/'workers' must be a positive integer, got 1.5/);
  });

  it('reports a runner that returns something other than flat metrics', async () => {
    const t = await sweep(base({ runner: { module: BURN, export: 'badMetrics' }, grid: [{ x: 1 }, { x: 2 }], replicates: 1 })).catch(
      (e: Error) => e,
    );
    expect((t as Error).message).to.match(/metric 'nested' must be a number, string or boolean, got object/);
  });

  it('stores every run on disk and reuses it: hits on a second run, a miss for a new point', async () => {
    const options = base({ cache: true, cacheDir });
    const before = sweepCacheStats();
    const callsBefore = calls();
    const first = await sweep(options);
    expect(calls() - callsBefore).to.equal(6);
    expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.json'))).to.have.length(6);
    expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);

    const second = await sweep(options);
    expect(calls() - callsBefore).to.equal(6); // nothing ran
    expect(second.info.cacheHits).to.equal(6);
    expect(second.objects()).to.deep.equal(first.objects());

    const changed = await sweep({ ...options, grid: { x: [1, 2, 4] } });
    expect(changed.info.cacheHits).to.equal(4);
    expect(calls() - callsBefore).to.equal(8); // only x=4, twice
    const after = sweepCacheStats();
    expect(after.hits - before.hits).to.equal(10);
    expect(after.misses - before.misses).to.equal(6 + 2);
  });

  it("sweeps real scenarios through the scenario layer's runner in one call", async () => {
    const options: SweepOptions = {
      runner: { module: 'kernel-lib/scenario/sweep-runner.ts', export: 'scenarioPoint' },
      params: { scenario: 'examples/ram-dd.yaml' },
      grid: { 'block.nr_requests': [4, 128] },
      seed: 1,
      workers: 1,
      cache: false,
      quiet: true,
    };
    const t = await sweep(options);
    expect(t.failures).to.deep.equal([]);
    expect(t.columnNames().slice(0, 4)).to.deep.equal(['block.nr_requests', 'scenario', 'replicate', 'seed']);
    expect(t.array('block.nr_requests')).to.deep.equal([4, 128]);
    expect(t.columnNames().length).to.be.greaterThan(4); // the scenario's metrics follow
    expect((await sweep(options)).objects()).to.deep.equal(t.objects());
  });

  it('with cacheOnly computes nothing: the cached runs as a table, the others listed as missing', async () => {
    await sweep(base({ cache: true, cacheDir, grid: { x: [2] } }));
    const before = calls();
    const t = await sweep(base({ cache: true, cacheDir, cacheOnly: true }));
    expect(calls()).to.equal(before);
    expect(t.array('x')).to.deep.equal([2, 2]);
    expect(t.info.missing!.map((m) => [m.params.x, m.replicate])).to.deep.equal([[1, 0], [1, 1], [3, 0], [3, 1]]);
    expect(t.info).to.include({ runs: 6, cacheHits: 2, failed: 0 });
    // The same rows as the full sweep's, once it has run.
    const full = await sweep(base({ cache: true, cacheDir }));
    const merged = await sweep(base({ cache: true, cacheDir, cacheOnly: true }));
    expect(merged.objects()).to.deep.equal(full.objects());
    expect(merged.info.missing).to.deep.equal([]);
  });

  it('writes nothing with cache: false', async () => {
    await sweep(base({ cache: false, cacheDir }));
    expect(fs.readdirSync(cacheDir)).to.deep.equal([]);
  });

  describe('label columns (label.NAME)', () => {
    const labelled = [
      { x: 1, 'label.design': 'mutex' },
      { x: 2, 'label.design': 'per-CPU', 'label.row': 3 },
    ];

    it('are columns of the table but not parameters of the runner', async () => {
      const t = await sweep(base({ runner: { module: BURN, export: 'paramNames' }, grid: labelled, replicates: 1 }));
      expect(t.columnNames().slice(0, 5)).to.deep.equal(['x', 'label.design', 'label.row', 'iterations', 'replicate']);
      expect(t.array('label.design')).to.deep.equal(['mutex', 'per-CPU']);
      expect(t.array('label.row')).to.deep.equal([undefined, 3]);
      expect(t.array('given')).to.deep.equal(['iterations,x', 'iterations,x']);
    });

    it('change neither the seed nor the cache entry of a point', async () => {
      const plain = await sweep(base({ grid: { x: [1, 2] }, cache: true, cacheDir }));
      const before = calls();
      const t = await sweep(base({ grid: labelled, cache: true, cacheDir }));
      expect(calls()).to.equal(before); // every run a cache hit
      expect(t.info.cacheHits).to.equal(4);
      expect(t.array('seed')).to.deep.equal(plain.array('seed'));
      expect(t.array('y')).to.deep.equal(plain.array('y'));
      // Also in the fixed params.
      const fixed = await sweep(base({ grid: { x: [1, 2] }, params: { iterations: 2000, 'label.study': 'getting started' } }));
      expect(fixed.array('seed')).to.deep.equal(plain.array('seed'));
      expect(fixed.array('label.study')).to.deep.equal(Array(4).fill('getting started'));
    });
  });

  describe('identical replicates', () => {
    it('warns when the replicates of a point all give the same row, and names the point', async () => {
      const t = await sweep(base({ runner: { module: BURN, export: 'seedless' }, replicates: 3 }));
      expect(t.info.identicalReplicates).to.equal(3);
      expect(t.info.warnings).to.have.length(1);
      expect(t.info.warnings[0]).to.match(/the replicates of 3 of 3 points gave identical results/);
      expect(t.info.warnings[0]).to.contain('{"iterations":2000,"x":1}');
      expect(t.info.warnings[0]).to.contain("'workload.fio.global.randrepeat': 0");
    });

    it('says nothing when replicates differ, or with one replicate', async () => {
      expect((await sweep(base())).info).to.include({ identicalReplicates: 0 }).and.to.have.property('warnings').that.deep.equals([]);
      expect((await sweep(base({ runner: { module: BURN, export: 'seedless' }, replicates: 1 }))).info.warnings).to.deep.equal([]);
    });

    it('catches fio randrepeat=1 in a real scenario, and randrepeat=0 gives independent replicates', async () => {
      const t = await sweep({
        runner: { module: 'kernel-lib/scenario/sweep-runner.ts', export: 'scenarioPoint' },
        params: { scenario: 'examples/nvme-gen4-randread.yaml', 'workload.fio.global.runtime': '2ms' },
        grid: { 'workload.fio.global.randrepeat': [1, 0] },
        replicates: 2,
        seed: 1,
        workers: 1,
        cache: false,
        quiet: true,
      });
      expect(t.info.identicalReplicates).to.equal(1);
      expect(t.info.warnings[0]).to.contain('"workload.fio.global.randrepeat":1');
      const lat = t.array('read_clat_mean_us') as number[];
      expect(lat[0]).to.equal(lat[1]);
      expect(lat[2]).to.not.equal(lat[3]);
    });
  });
});
