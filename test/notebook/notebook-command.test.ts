import { expect } from 'chai';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readNotebook, serializeNotebook, writeFileAtomic, type Notebook } from '../../kernel-lib/notebook/nbformat.js';
import { FIXTURES, runProgram, validateNotebooks } from './jupyter-env.js';

describe('notebook/`dmsim notebook run`', function () {
  this.timeout(900_000);
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

  describe('never writes its input unless asked', () => {
    let work: string;
    let input: string;
    let original: string;
    beforeEach(() => {
      work = mkdtempSync(path.join(dir, 'inplace-'));
      input = path.join(work, 'nb.ipynb');
      copyFileSync(path.join(FIXTURES, 'small.ipynb'), input);
      original = readFileSync(input, 'utf8');
    });
    const run = (...args: string[]) => runProgram(process.execPath, ['bin/dmsim.js', 'notebook', 'run', ...args]);

    it('writes NB.out.ipynb beside the input when no -o is given', async () => {
      const ran = await run(input, '-p', 'seed=5');
      expect(ran.code, ran.stderr).to.equal(0);
      expect(readFileSync(input, 'utf8')).to.equal(original);
      const out = readNotebook(path.join(work, 'nb.out.ipynb'));
      expect(out.cells[2]!.metadata.tags).to.deep.equal(['injected-parameters']);
      expect(readdirSync(work).sort()).to.deep.equal(['nb.ipynb', 'nb.out.ipynb']);
    });

    it('refuses -o naming the input without --inplace, and -p with --inplace', async () => {
      const same = await run(input, '-o', input);
      expect(same.code).to.equal(2);
      expect(same.stderr).to.include('--inplace');
      const both = await run(input, '--inplace', '-p', 'seed=5');
      expect(both.code).to.equal(2);
      expect(both.stderr).to.match(/-p.*--inplace|--inplace.*-p/);
      expect(readFileSync(input, 'utf8')).to.equal(original);
    });

    it('writes the input with --inplace, with no injected parameters in it', async () => {
      const ran = await run(input, '--inplace');
      expect(ran.code, ran.stderr).to.equal(0);
      const nb = readNotebook(input);
      expect(nb.cells.some((c) => c.metadata.tags?.includes('injected-parameters'))).to.equal(false);
      expect(nb.cells[2]!.execution_count).to.equal(2);
    });

    it('make report refuses a source that holds injected parameters (left by an older run) instead of running them silently', async () => {
      const nb = readNotebook(input);
      nb.cells.splice(2, 0, { cell_type: 'code', source: 'const seed = 5;', metadata: { tags: ['injected-parameters'] }, outputs: [], execution_count: null });
      writeFileSync(input, serializeNotebook(nb));
      const ran = await runProgram(process.execPath, ['bin/dmsim.js', 'report', '--notebooks', work, '--out', path.join(work, 'reports')]);
      expect(ran.code).to.equal(1);
      expect(ran.stderr).to.include("nb.ipynb: cell 3 is tagged 'injected-parameters'");
      expect(existsSync(path.join(work, 'reports', 'nb.html'))).to.equal(false);
    });

    it('checks the output destination before running, naming the path the user gave', async () => {
      const marker = path.join(work, 'ran');
      const nb: Notebook = {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [{ id: 'a', cell_type: 'code', source: `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x');`, metadata: {}, outputs: [], execution_count: null }],
      };
      writeFileSync(input, serializeNotebook(nb));
      const missing = path.join(work, 'no-such-dir', 'out.ipynb');
      const ran = await run(input, '-o', missing);
      expect(ran.code).to.equal(2);
      expect(ran.stderr).to.include(missing);
      expect(ran.stderr).not.to.include('.tmp');
      expect(existsSync(marker), 'the notebook ran before the check').to.equal(false);
      mkdirSync(path.join(work, 'a-dir.ipynb'));
      const isDir = await run(input, '-o', path.join(work, 'a-dir.ipynb'));
      expect(isDir.code).to.equal(2);
      expect(isDir.stderr).to.include('a-dir.ipynb');
      expect(existsSync(marker)).to.equal(false);
    });
  });

  it('writeFileAtomic: a failed write names the destination and leaves no temporary file', () => {
    const work = mkdtempSync(path.join(dir, 'atomic-'));
    const target = path.join(work, 'out.ipynb');
    mkdirSync(target); // renaming a file over a directory fails
    expect(() => writeFileAtomic(target, 'x')).to.throw(`cannot write ${target}: it is a directory`);
    expect(readdirSync(work)).to.deep.equal(['out.ipynb']);
  });
});

describe('notebook/`dmsim notebook run` on Ctrl-C', function () {
  this.timeout(900_000);
  it('stops the running cell, writes the part that ran and names where it stopped', async () => {
    const { spawn } = await import('node:child_process');
    const dir = mkdtempSync(path.join(tmpdir(), 'dmsim-nbrun-int-'));
    try {
      const marker = path.join(dir, 'waiting');
      const input = path.join(dir, 'nb.ipynb');
      const nb: Notebook = {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          { id: 'a', cell_type: 'code', source: 'console.log("first ran")', metadata: {}, outputs: [], execution_count: null },
          { id: 'b', cell_type: 'code', source: `await Promise.resolve();\nrequire('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x');\nawait new Promise(() => {});`, metadata: {}, outputs: [], execution_count: null },
        ],
      };
      writeFileSync(input, serializeNotebook(nb));
      const child = spawn(process.execPath, ['bin/dmsim.js', 'notebook', 'run', input], { cwd: path.join(FIXTURES, '..', '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const code = new Promise<number | null>((resolve) => child.on('close', resolve));
      // Wait for the condition (the cell is waiting), not for a time.
      while (!existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 100));
      child.kill('SIGINT');
      expect(await code, stderr).to.equal(130);
      expect(stderr).to.match(/interrupted at .*nb\.ipynb, cell 2/);
      const out = readNotebook(path.join(dir, 'nb.out.ipynb'));
      expect(out.cells[0]!.outputs![0]).to.deep.include({ output_type: 'stream', text: ['first ran\n'] });
      expect(out.cells[1]!.outputs![0]).to.deep.include({ output_type: 'error', ename: 'KeyboardInterrupt' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
