// `dmsim report NOTEBOOK...`: only the named notebooks run; the index still lists the others.
import { expect } from 'chai';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FIXTURES, runProgram } from './jupyter-env.js';

describe('notebook/report: dmsim report NOTEBOOK...', function () {
  this.timeout(0);
  let work: string;
  let notebooks: string;
  let reports: string;
  const report = (...args: string[]) => runProgram(process.execPath, ['bin/dmsim.js', 'report', ...args, '--notebooks', notebooks, '--out', reports], { timeoutMs: 600_000 });

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), 'dmsim-report-only-'));
    notebooks = path.join(work, 'notebooks');
    reports = path.join(work, 'reports');
    mkdirSync(notebooks);
    copyFileSync(path.join(FIXTURES, 'small.ipynb'), path.join(notebooks, 'a-small.ipynb'));
    copyFileSync(path.join(FIXTURES, 'failing.ipynb'), path.join(notebooks, 'b-failing.ipynb'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('runs only the notebook named, and the index lists every notebook of the folder', async () => {
    const ran = await report(path.join(notebooks, 'a-small.ipynb'));
    expect(ran.code, ran.stderr).to.equal(0);
    expect(ran.stderr).to.include('a-small.ipynb: ok');
    // The failing notebook was not run: no failure, no page.
    expect(ran.stderr).not.to.include('b-failing');
    expect(existsSync(path.join(reports, 'a-small.html'))).to.equal(true);
    expect(existsSync(path.join(reports, 'b-failing.html'))).to.equal(false);
    const index = readFileSync(path.join(reports, 'index.html'), 'utf8');
    expect(index).to.include('<a class="title" href="a-small.html">Small fixture</a>');
    expect(index).to.match(/<span class="title">[^<]*<\/span>/);
    expect(index.indexOf('a-small.html')).to.be.lessThan(index.indexOf('<span class="title">'));
  });

  it('refuses a path that is not a notebook, naming it, before running anything', async () => {
    const ran = await report(path.join(notebooks, 'missing.ipynb'));
    expect(ran.code).to.equal(2);
    expect(ran.stderr).to.include('missing.ipynb: no such notebook');
    const notNotebook = await report(path.join(FIXTURES, 'thrower.ts'));
    expect(notNotebook.code).to.equal(2);
    expect(notNotebook.stderr).to.include('thrower.ts: not a notebook');
  });
});
