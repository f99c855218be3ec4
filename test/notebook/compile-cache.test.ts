// The compile cache: an unchanged cell comes back from disk exactly as TypeScript made it
// (output, declarations, diagnostics), runs the same, and is recompiled as soon as anything it
// depends on changes: the cell, the cells before it, or a library file under the project.
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CellCompiler } from '../../kernel-lib/notebook/compiler.js';
import { Executor } from '../../kernel-lib/notebook/executor.js';
import { CellOutputs } from '../../kernel-lib/notebook/cell-outputs.js';

const FIXTURES = path.join('test', 'notebook', 'fixtures');

/** Runs `cells` in a fresh session on `compiler`; the outcome of each and its outputs. */
async function runCells(compiler: CellCompiler, cells: string[]) {
  const executor = new Executor({ compiler, displayIdPrefix: 'display' });
  try {
    const out = [];
    for (const [i, cell] of cells.entries()) {
      const outputs = new CellOutputs(() => {});
      const outcome = await executor.execute(cell, `Cell In[${i + 1}]`, outputs);
      out.push({ outcome, outputs: outputs.outputs });
    }
    return out;
  } finally {
    executor.close();
  }
}

describe('notebook/compile-cache', function () {
  // TypeScript builds its program in each cold compiler: seconds on a loaded machine.
  this.timeout(0);
  let dir: string;
  const compilers: CellCompiler[] = [];
  const compiler = () => {
    const c = new CellCompiler({ cacheDir: dir });
    compilers.push(c);
    return c;
  };
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'dmsim-cell-cache-'))));
  afterEach(() => {
    for (const c of compilers.splice(0)) c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a second compiler converts nothing: same results and outputs, library code included, from the cache', async () => {
    const cells = [
      "import { check } from './test/notebook/fixtures/thrower.js';\nconst limit = { max: 3 };",
      'check(2, limit) * 10',
      "const bad: string = limit.max;",
      'check(9, limit)',
    ];
    const cold = compiler();
    const first = await runCells(cold, cells);
    expect(cold.counts).to.deep.equal({ cached: 0, compiled: 4 });
    const warm = compiler();
    const second = await runCells(warm, cells);
    expect(warm.counts).to.deep.equal({ cached: 4, compiled: 0 });
    expect(second).to.deep.equal(first);
    // What the cells did, so the comparison above is not of two empty runs.
    expect(first[1]!.outcome).to.deep.equal({ status: 'ok', result: { 'text/plain': '20' } });
    // A type error is reported from the cache as TypeScript reported it: cell, line, code.
    const typeError = second[2]!.outcome;
    if (typeError.status !== 'error') throw new Error('expected a type error');
    expect(typeError.error.ename).to.equal('TSError');
    expect(typeError.error.location).to.equal('Cell In[3], line 1');
    expect(typeError.error.traceback[0]).to.include('error TS2322');
    // A library frame still names the TypeScript file and line: the library's code came from the cache.
    const thrown = second[3]!.outcome;
    if (thrown.status !== 'error') throw new Error('expected an error');
    expect(thrown.error.traceback.some((l) => /check \(test\/notebook\/fixtures\/thrower\.ts:15\)$/.test(l)), thrown.error.traceback.join('\n')).to.equal(true);
    // The library's JavaScript is stored once, by content, not once per cell.
    const modules = readdirSync(path.join(dir, 'modules'));
    expect(modules).to.have.length(1);
  });

  it('misses when the cell, an earlier cell or a library file under the project changes', async () => {
    const lib = path.join(FIXTURES, `cache-probe-${process.pid}.ts`);
    const cell = `import { value } from './test/notebook/fixtures/cache-probe-${process.pid}.js';\nvalue * 2`;
    writeFileSync(lib, 'export const value: number = 1;\n');
    try {
      expect((await runCells(compiler(), [cell]))[0]!.outcome).to.deep.equal({ status: 'ok', result: { 'text/plain': '2' } });
      const same = compiler();
      await runCells(same, [cell]);
      expect(same.counts).to.deep.equal({ cached: 1, compiled: 0 });
      // Another cell before it: its declarations are part of the key.
      const after = compiler();
      await runCells(after, ['const before = 1;', cell]);
      expect(after.counts).to.deep.equal({ cached: 0, compiled: 2 });
      // The library file edited (a different length, so its size and mtime both change).
      writeFileSync(lib, 'export const value: number = 21;\n');
      const edited = compiler();
      expect((await runCells(edited, [cell]))[0]!.outcome).to.deep.equal({ status: 'ok', result: { 'text/plain': '42' } });
      expect(edited.counts).to.deep.equal({ cached: 0, compiled: 1 });
      // Its type changed so that the cell no longer type-checks: the error, not a stale result.
      writeFileSync(lib, "export const value: string = 'x';\n");
      const retyped = compiler();
      const outcome = (await runCells(retyped, [cell]))[0]!.outcome;
      expect(retyped.counts).to.deep.equal({ cached: 0, compiled: 1 });
      if (outcome.status !== 'error') throw new Error('expected a type error');
      expect(outcome.error.traceback[0]).to.include('error TS2362');
    } finally {
      rmSync(lib, { force: true });
    }
  });

  it('a damaged entry or module is a miss, never a wrong result', async () => {
    const cells = ["import { check } from './test/notebook/fixtures/thrower.js';\ncheck(2, { max: 3 })"];
    const first = await runCells(compiler(), cells);
    const [module] = readdirSync(path.join(dir, 'modules'));
    const file = path.join(dir, 'modules', module!);
    writeFileSync(file, readFileSync(file, 'utf8').replace('throw', 'return'));
    const damaged = compiler();
    expect(await runCells(damaged, cells)).to.deep.equal(first);
    expect(damaged.counts).to.deep.equal({ cached: 0, compiled: 1 });
  });
});
