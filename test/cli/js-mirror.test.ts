// `dmsim sweep` runs from the prebuilt JavaScript mirror of the sources (bin/js-mirror.mjs),
// not through the TypeScript loader. What must hold: the mirror is of the current sources
// only (an edit means a new mirror, never the old one run), its runs are those of the
// sources, and the model version the shards and the plan see is the hash of the real
// kernel-lib. Run in a throwaway copy of the project, so the test can edit "kernel-lib".
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../helpers/sweep-cli.js';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function dmsimIn(root: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/dmsim.js', ...args], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('cli/js-mirror (dmsim sweep without the TypeScript loader)', function () {
  // Child processes (and a mirror build) on a shared machine: nothing here depends on speed.
  this.timeout(0);
  let copy: string;
  let env: NodeJS.ProcessEnv;
  const probe = () => path.join(copy, 'kernel-lib', 'base', 'zz-probe.ts');
  const helper = () => path.join(copy, 'test', 'probe', 'helper.ts');
  const mirrors = () => fs.readdirSync(path.join(copy, '.cache', 'js')).filter((n) => !n.startsWith('.')).sort();

  before(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-mirror-'));
    for (const dir of ['bin', 'kernel-lib']) fs.cpSync(path.join(ROOT, dir), path.join(copy, dir), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(copy, 'package.json'));
    fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(copy, 'node_modules'));
    // A model file, and a runner outside kernel-lib (as a study's own module would be) that
    // reports it plus a helper of its own, and where it was loaded from.
    fs.writeFileSync(probe(), 'export const PROBE = 1;\n');
    fs.mkdirSync(path.join(copy, 'test', 'probe'), { recursive: true });
    fs.writeFileSync(helper(), 'export const HELPER = 10;\n');
    fs.writeFileSync(
      path.join(copy, 'test', 'probe', 'runner.ts'),
      [
        "import { PROBE } from '../../kernel-lib/base/zz-probe.js';",
        "import { HELPER } from './helper.js';",
        'export function run(params: Record<string, unknown>): Record<string, number | boolean> {',
        "  return { probe: PROBE + HELPER + Number(params.x) * 0, from_mirror: import.meta.url.includes('/.cache/js/') };",
        '}',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(copy, 'probe.yaml'), 'runner: { module: test/probe/runner.ts }\ngrid:\n  x: [0, 1]\nseed: 1\nmetrics: [probe, from_mirror]\n');
    env = { DMSIM_CACHE_DIR: path.join(copy, 'cache'), DMSIM_SWEEP_DIR: path.join(copy, 'jobs') };
  });
  after(() => fs.rmSync(copy, { recursive: true, force: true }));

  const table = async (extra: NodeJS.ProcessEnv = {}) => {
    const r = await dmsimIn(copy, ['sweep', 'probe.yaml', '--workers', '1'], { ...env, ...extra });
    expect(r.code, r.stderr).to.equal(0);
    // x, probe and from_mirror of each row (the seed column is the sweep's derived seed).
    const [head, ...rows] = r.stdout.trim().split('\n');
    expect(head).to.equal('x,replicate,seed,probe,from_mirror');
    return rows.map((row) => row.split(',').filter((_, i) => i !== 1 && i !== 2).join(' '));
  };
  const modelVersion = async (extra: NodeJS.ProcessEnv = {}) => {
    const r = await dmsimIn(copy, ['sweep', 'plan', 'probe.yaml', '--shards', '1'], { ...env, ...extra });
    expect(r.code, r.stderr).to.equal(0);
    return /model version ([0-9a-f]+)/.exec(r.stdout)![1];
  };

  it('runs the runner from the mirror, with the model version the sources give; an edit is a new mirror or a new copy of the runner', async () => {
    // The first sweep builds the mirror and runs its runner from it.
    expect(await table()).to.deep.equal(['0 11 true', '1 11 true']);
    expect(mirrors()).to.have.length(1);
    const first = mirrors()[0];
    // The plan's model version is the sources' (the loader's path computes it from kernel-lib too).
    const v1 = await modelVersion();
    expect(await modelVersion({ DMSIM_NO_JS_MIRROR: '1' })).to.equal(v1);

    // A model file edited, same size: the old mirror is never run; a new one is built.
    fs.writeFileSync(probe(), 'export const PROBE = 2;\n');
    expect(await table()).to.deep.equal(['0 12 true', '1 12 true']);
    expect(mirrors()).to.have.length(2).and.include(first);
    const v2 = await modelVersion();
    expect(v2).to.not.equal(v1);
    expect(await modelVersion({ DMSIM_NO_JS_MIRROR: '1' })).to.equal(v2);
    // The same sweep through the loader: the same runs (found in the cache under the same keys).
    expect(await table({ DMSIM_NO_JS_MIRROR: '1' })).to.deep.equal(['0 12 true', '1 12 true']);

    // The runner's own helper edited: the runner's copy in the mirror is made again (the same
    // mirror: kernel-lib did not change). The helper is not part of the model version (only the
    // runner's own file is), so the cached runs are dropped to see the new ones.
    fs.writeFileSync(helper(), 'export const HELPER = 20;\n');
    fs.rmSync(path.join(copy, 'cache'), { recursive: true, force: true });
    expect(await table()).to.deep.equal(['0 22 true', '1 22 true']);
    expect(mirrors()).to.have.length(2);

    // A file added anywhere in kernel-lib is another mirror too.
    fs.writeFileSync(path.join(copy, 'kernel-lib', 'cli', 'zz-unrelated.ts'), 'export const unrelated = 0;\n');
    await table();
    expect(mirrors()).to.have.length(3);
  });

  it('without the mirror (DMSIM_NO_JS_MIRROR=1) the runner runs from its source, and the results agree', async () => {
    fs.rmSync(path.join(copy, 'cache'), { recursive: true, force: true });
    expect(await table({ DMSIM_NO_JS_MIRROR: '1' })).to.deep.equal(['0 22 false', '1 22 false']);
  });
});
