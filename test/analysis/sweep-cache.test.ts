import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SweepCache, inputFileHashes, sweepCacheDir, sweepCacheStats, type RunKey } from '../../kernel-lib/analysis/sweep-cache.js';
import { PROJECT_DIR } from '../../kernel-lib/analysis/module-location.js';

describe('analysis/sweep-cache', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-cache-test-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run: RunKey = { runner: 'r.ts#run', params: { a: 1, b: 'x' }, seed: 5, modelVersion: 'v1' };

  it('keys runs by runner, parameters, seed and model version (not key order)', () => {
    const key = SweepCache.key(run);
    expect(SweepCache.key({ ...run, params: { b: 'x', a: 1 } })).to.equal(key);
    for (const other of [
      { ...run, runner: 'r.ts#other' },
      { ...run, params: { a: 2, b: 'x' } },
      { ...run, seed: 6 },
      { ...run, modelVersion: 'v2' },
    ]) {
      expect(SweepCache.key(other)).to.not.equal(key);
    }
  });

  it('keys runs by the contents of the files their parameters name, so editing one invalidates them', () => {
    const file = path.join(dir, 'scenario.yaml');
    fs.writeFileSync(file, 'seed: 1\n');
    const params = { scenario: file, 'block.nr_requests': 4, label: 'not a file' };
    const before = inputFileHashes(params);
    expect(Object.keys(before ?? {})).to.deep.equal(['scenario']);
    const keyBefore = SweepCache.key({ ...run, params, inputs: before });
    fs.writeFileSync(file, 'seed: 2\n');
    const after = inputFileHashes(params);
    expect(SweepCache.key({ ...run, params, inputs: after })).to.not.equal(keyBefore);
    expect(inputFileHashes({ a: 1, b: 'no/such/file.yaml' })).to.equal(undefined);
  });

  it('stores and returns metrics, counting hits and misses', () => {
    const cache = new SweepCache(path.join(dir, 'nested'));
    const key = SweepCache.key(run);
    const before = sweepCacheStats();
    expect(cache.get(key)).to.equal(undefined);
    cache.put(key, run, { bw: 12.5, ok: true });
    expect(cache.get(key)).to.deep.equal({ bw: 12.5, ok: true });
    const after = sweepCacheStats();
    expect([after.hits - before.hits, after.misses - before.misses]).to.deep.equal([1, 1]);
    // The file explains itself, and no temporary file is left behind.
    const files = fs.readdirSync(path.join(dir, 'nested'));
    expect(files).to.deep.equal([`${key}.json`]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'nested', files[0]!), 'utf8'))).to.deep.include({ seed: 5, runner: 'r.ts#run' });
  });

  it('treats a damaged file as a miss', () => {
    const cache = new SweepCache(dir, () => {});
    const key = SweepCache.key(run);
    fs.writeFileSync(path.join(dir, `${key}.json`), '{"metrics": {"bw": 1');
    expect(cache.get(key)).to.equal(undefined);
  });

  it('lives in .cache/sweeps unless DMSIM_CACHE_DIR or an explicit folder says otherwise', () => {
    const saved = process.env.DMSIM_CACHE_DIR;
    try {
      delete process.env.DMSIM_CACHE_DIR;
      expect(sweepCacheDir()).to.equal(path.join(PROJECT_DIR, '.cache', 'sweeps'));
      process.env.DMSIM_CACHE_DIR = dir;
      expect(sweepCacheDir()).to.equal(dir);
      expect(sweepCacheDir('/tmp/elsewhere')).to.equal('/tmp/elsewhere');
    } finally {
      if (saved === undefined) delete process.env.DMSIM_CACHE_DIR;
      else process.env.DMSIM_CACHE_DIR = saved;
    }
  });

  describe('cannot lie', () => {
    const metrics = { iops: 176.5, ok: true };
    const setUp = () => {
      const warnings: string[] = [];
      const cache = new SweepCache(dir, (w) => warnings.push(w));
      const key = SweepCache.key(run);
      cache.put(key, run, metrics);
      const file = path.join(dir, `${key}.json`);
      return { cache, key, file, warnings };
    };

    it('stores the key and a checksum in each entry', () => {
      const { file, key } = setUp();
      const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(entry.key).to.equal(key);
      expect(entry.checksum).to.match(/^[0-9a-f]{64}$/);
    });

    it('refuses, with a warning naming the file, an entry whose metrics were changed (valid JSON)', () => {
      const { cache, key, file, warnings } = setUp();
      const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
      entry.metrics.iops = 3450.7;
      fs.writeFileSync(file, JSON.stringify(entry));
      expect(cache.get(key)).to.equal(undefined);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.include(file).and.match(/checksum/);
    });

    it('refuses {"metrics":{}} and an entry stored under another key', () => {
      const { cache, key, file, warnings } = setUp();
      fs.writeFileSync(file, '{"metrics":{}}');
      expect(cache.get(key)).to.equal(undefined);
      // A whole valid entry of another run copied over this one.
      const other = { ...run, seed: 6 };
      cache.put(SweepCache.key(other), other, { iops: 1 });
      fs.copyFileSync(path.join(dir, `${SweepCache.key(other)}.json`), file);
      expect(cache.get(key)).to.equal(undefined);
      expect(warnings).to.have.length(2);
      expect(warnings[1]).to.match(/key/);
    });

    it('warns about a damaged file too, and a rewrite makes it good again', () => {
      const { cache, key, file, warnings } = setUp();
      fs.writeFileSync(file, '{"metrics": {"iops": 1');
      expect(cache.get(key)).to.equal(undefined);
      expect(warnings).to.have.length(1);
      cache.put(key, run, metrics);
      expect(cache.get(key)).to.deep.equal(metrics);
    });
  });
});
