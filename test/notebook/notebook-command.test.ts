import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readNotebook } from '../../kernel-lib/notebook/nbformat.js';
import { FIXTURES, runProgram, validateNotebooks } from './jupyter-env.js';

describe('notebook/`dmsim notebook run`', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'dmsim-nbrun-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('overrides parameters with -p and writes the executed notebook to -o', async () => {
    const out = path.join(dir, 'out.ipynb');
    const ran = await runProgram(process.execPath, ['bin/dmsim.js', 'notebook', 'run', path.join(FIXTURES, 'small.ipynb'), '-p', 'n=2', '-p', 'seed=3', '-o', out]);
    expect(ran.code, ran.stderr).to.equal(0);
    const nb = readNotebook(out);
    expect(nb.cells[2]!.metadata.tags).to.deep.equal(['injected-parameters']);
    expect(nb.cells[2]!.source).to.deep.equal(['// Injected parameters\n', 'const n = 2;\n', 'const seed = 3;']);
    expect(nb.cells[3]!.outputs![0]).to.deep.include({ output_type: 'stream', text: ['drew 2 numbers\n'] });
    expect((await validateNotebooks([out])).code).to.equal(0);
  });

  it('refuses an unknown parameter, naming the notebook, without running anything', async () => {
    const ran = await runProgram(process.execPath, ['bin/dmsim.js', 'notebook', 'run', path.join(FIXTURES, 'small.ipynb'), '-p', 'seeed=3', '-o', path.join(dir, 'x.ipynb')]);
    expect(ran.code).to.equal(2);
    expect(ran.stderr).to.match(/small\.ipynb: the parameters cell declares no 'seeed' \(parameters: seed, n\)/);
    expect(ran.stderr).not.to.match(/\n\s+at /); // no stack trace at the user
  });
});
