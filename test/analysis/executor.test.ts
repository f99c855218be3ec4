// Runners are TypeScript, and worker threads start without the host's loaders, so the sweep
// must work from every way dmsim is started: mocha (tsx via --import, this file), the `dmsim`
// command (tsx registered programmatically) and a notebook cell (tslab: CommonJS in a vm).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createExecutor, withoutTsLoader } from '../../kernel-lib/analysis/executor.js';
import { PROJECT_DIR } from '../../kernel-lib/analysis/module-location.js';
import { sweep, type SweepOptions } from '../../kernel-lib/analysis/sweep.js';

const run = promisify(execFile);
const BURN = path.join(PROJECT_DIR, 'test/analysis/fixtures/burn.ts');
const options: SweepOptions = {
  runner: { module: 'test/analysis/fixtures/burn.ts' },
  grid: { x: [1, 2, 3] },
  params: { iterations: 1000 },
  seed: 3,
  workers: 2,
  cache: false,
  quiet: true,
};

async function child(script: string): Promise<string> {
  // No time limit: on a loaded machine starting TypeScript and tslab takes what it takes.
  const { stdout } = await run(process.execPath, [path.join('test/analysis/fixtures', script), JSON.stringify(options)], { cwd: PROJECT_DIR });
  return stdout;
}

describe('analysis/executor', function () {
  // Generous: these start processes and threads; the outcome never depends on how fast.
  this.timeout(600_000);

  it('runs TypeScript runners on worker threads and in process alike', async () => {
    const task = { module: BURN, exportName: 'run', params: { x: 4, iterations: 100 }, seed: 9 };
    const pool = createExecutor(2);
    const local = createExecutor(1);
    try {
      const [a, b] = await Promise.all([pool.run(task), local.run(task)]);
      expect(a).to.deep.equal(b);
      expect(a).to.include({ label: 'x4', even: true });
    } finally {
      await pool.close();
    }
  });

  it('drops a host TypeScript loader (ours or tsx) from the workers’ Node options and keeps the rest', () => {
    expect(withoutTsLoader(['--import', './bin/register-ts.mjs', '--import=/abs/bin/register-ts.mjs', '--stack-size=2000'])).to.deep.equal(['--stack-size=2000']);
    expect(withoutTsLoader(['--import', 'tsx', '--max-old-space-size=4096', '--import=tsx/esm', '--loader', './my-loader.mjs'])).to.deep.equal([
      '--max-old-space-size=4096',
      '--loader',
      './my-loader.mjs',
    ]);
    expect(withoutTsLoader(['--require', '/x/node_modules/tsx/dist/cjs/index.cjs', '-r', 'not-tsx-really'])).to.deep.equal(['-r', 'not-tsx-really']);
  });

  it('passes a runner error back with its message', async () => {
    const pool = createExecutor(2);
    try {
      const error = await pool.run({ module: BURN, exportName: 'run', params: { x: 1, fail: true }, seed: 1 }).catch((e: Error) => e);
      expect((error as Error).message).to.equal('point asked to fail (x=1)');
    } finally {
      await pool.close();
    }
  });

  it('gives the same table when started like bin/dmsim.js and from a tslab notebook cell', async () => {
    const expected = (await sweep(options)).objects();
    const [fromRegister, fromTslab] = await Promise.all([child('sweep-from-register.mjs'), child('sweep-from-tslab.cjs')]);
    expect(JSON.parse(fromRegister)).to.deep.equal(expected);
    const tables = fromTslab.split('\n').filter((l) => l.startsWith('ROWS ')).map((l) => JSON.parse(l.slice(5)) as unknown);
    expect(tables, `tslab output:\n${fromTslab}`).to.have.length(2); // 2 workers, then in process
    expect(tables[0]).to.deep.equal(expected);
    expect(tables[1]).to.deep.equal(expected);
  });
});
