// `make report` ends with a verdict whatever a notebook does: exit, die, loop where no timer can
// reach, wait forever; and Ctrl-C stops it cleanly, keeping what finished. Every outcome here
// is inevitable (an exit, a loop that never ends), so no assertion depends on the machine's speed.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { serializeNotebook, type Notebook } from '../../kernel-lib/notebook/nbformat.js';
import { PROJECT, runProgram, type Ran } from './jupyter-env.js';

const codeNotebook = (title: string, ...sources: string[]): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { id: 'title', cell_type: 'markdown', source: `# ${title}`, metadata: {} },
    ...sources.map((source, i) => ({ id: `c${i}`, cell_type: 'code' as const, source, metadata: {}, outputs: [], execution_count: null })),
  ],
});

describe('notebook/report: limits, crashes and Ctrl-C', function () {
  this.timeout(900_000);
  let work: string;
  before(() => (work = mkdtempSync(path.join(tmpdir(), 'dmsim-report-limits-'))));
  after(() => rmSync(work, { recursive: true, force: true }));

  function setUp(name: string, notebooks: Record<string, Notebook>): { dir: string; reports: string } {
    const dir = path.join(work, name);
    mkdirSync(dir);
    for (const [file, nb] of Object.entries(notebooks)) writeFileSync(path.join(dir, file), serializeNotebook(nb));
    return { dir, reports: path.join(dir, 'reports') };
  }

  it('reports a cell that exits, kills the process, loops after an await or waits forever, naming notebook and cell, and runs the rest', async () => {
    const { dir, reports } = setUp('bad', {
      'a-exit.ipynb': codeNotebook('Exit', 'process.exit(0);'),
      'b-kill.ipynb': codeNotebook('Kill', "process.kill(process.pid, 'SIGKILL');"),
      'c-loop.ipynb': codeNotebook('Loop', 'await Promise.resolve();\nwhile (true) {}'),
      'd-hang.ipynb': codeNotebook('Hang', 'await new Promise(() => {});'),
    });
    const ran = await runProgram(
      process.execPath,
      ['bin/dmsim.js', 'report', '--notebooks', dir, '--out', reports, '--cell-timeout', '2', '--notebook-timeout', '60'],
      { timeoutMs: 600_000 },
    );
    expect(ran.code, ran.stderr).to.equal(1);
    const rel = (f: string) => path.relative(PROJECT, path.join(dir, f));
    expect(ran.stderr).to.include(`report: FAILED ${rel('a-exit.ipynb')}, cell 2, line 1: ProcessExit: process.exit(0) was called`);
    expect(ran.stderr).to.match(new RegExp(`report: FAILED ${rel('b-kill.ipynb')}, cell 2: ProcessDied: .*signal SIGKILL`));
    // The notebook limit is generous (it counts compiling, slow on a loaded machine); the loop is endless anyway.
    expect(ran.stderr).to.match(new RegExp(`report: FAILED ${rel('c-loop.ipynb')}, cell 2: TimeoutError: the notebook did not finish within its time limit of 60 s`));
    expect(ran.stderr).to.match(new RegExp(`report: FAILED ${rel('d-hang.ipynb')}, cell 2.*: TimeoutError: the cell did not finish within 2 s`));
    expect(ran.stderr).to.include('report: 0 of 4 notebooks ok');
    const index = readFileSync(path.join(reports, 'index.html'), 'utf8');
    for (const title of ['Exit', 'Kill', 'Loop', 'Hang']) expect(index).to.include(`<span class="title">${title}</span>`);
  });

  it('stops cleanly on Ctrl-C, names where it stopped, and keeps the notebooks that finished', async () => {
    const marker = path.join(work, 'waiting');
    const { dir, reports } = setUp('sigint', {
      'a-ok.ipynb': codeNotebook('Fine', '1 + 1'),
      'b-wait.ipynb': codeNotebook('Wait', '1', `await Promise.resolve();\nrequire('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x');\nawait new Promise(() => {});`),
      'c-never.ipynb': codeNotebook('Never', '1'),
    });
    const child = spawn(process.execPath, ['bin/dmsim.js', 'report', '--notebooks', dir, '--out', reports], { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<Ran>((resolve) => child.on('close', (code) => resolve({ code, stdout: '', stderr })));
    // Wait for the condition (the cell is waiting), not for a time.
    while (!existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGINT');
    const ran = await exited;
    expect(ran.code, ran.stderr).to.equal(130);
    expect(ran.stderr).to.include(`report: interrupted at ${path.relative(PROJECT, path.join(dir, 'b-wait.ipynb'))}, cell 3`);
    expect(existsSync(path.join(reports, 'a-ok.html'))).to.equal(true);
    expect(existsSync(path.join(reports, 'b-wait.html'))).to.equal(false);
    const index = readFileSync(path.join(reports, 'index.html'), 'utf8');
    expect(index).to.include('interrupted');
    expect(index).to.include('<a class="title" href="a-ok.html">Fine</a>');
    expect(index).not.to.include('Never');
  });
});
