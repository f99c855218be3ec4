import { expect } from 'chai';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CellOutputs } from '../../kernel-lib/notebook/cell-outputs.js';
import { Executor } from '../../kernel-lib/notebook/executor.js';
import { FIXTURES } from './jupyter-env.js';
import { sharedCompiler } from './shared-compiler.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('notebook/executor', function () {
  this.timeout(600_000); // generous: compiling is slow on a loaded machine; no outcome depends on it
  let executor: Executor;
  before(() => {
    executor = new Executor({ compiler: sharedCompiler() });
  });
  after(() => executor.close());

  async function run(code: string, label = 'Cell') {
    const outputs = new CellOutputs();
    const outcome = await executor.execute(code, label, outputs);
    return { outcome, outputs: outputs.outputs };
  }

  it('returns the value of the last expression, and keeps declarations for later cells', async () => {
    const first = await run("const base: number = 6;\nconsole.log('hello');\nbase * 7");
    expect(first.outcome).to.deep.equal({ status: 'ok', result: { 'text/plain': '42' } });
    expect(first.outputs).to.deep.equal([{ output_type: 'stream', name: 'stdout', text: 'hello\n' }]);
    expect((await run('base + 1')).outcome).to.deep.equal({ status: 'ok', result: { 'text/plain': '7' } });
    expect((await run('let nothing = undefined;\nnothing')).outcome).to.deep.equal({ status: 'ok' });
  });

  it('passes an earlier cell’s variable through a shorthand property (tslab loses it)', async () => {
    await run('const seedForShorthand = 11;');
    expect((await run('({ seedForShorthand })')).outcome).to.deep.equal({ status: 'ok', result: { 'text/plain': '{ seedForShorthand: 11 }' } });
  });

  it('reports a runtime error with ename, evalue and the line of the cell', async () => {
    const { outcome } = await run(
      "interface P { x: number }\n\nfunction check(p: P): number {\n  if (p.x > 0) {\n    throw new RangeError('x too big: ' + p.x);\n  }\n  return p.x;\n}\ncheck({ x: 3 });",
      'Cell In[5]',
    );
    if (outcome.status !== 'error') throw new Error('expected an error');
    expect(outcome.error.ename).to.equal('RangeError');
    expect(outcome.error.evalue).to.equal('x too big: 3');
    expect(outcome.error.location).to.equal('Cell In[5], line 5');
    expect(outcome.error.traceback[0]).to.match(/^Cell In\[5\], line 9\n/);
    expect(outcome.error.traceback[1]).to.match(/^Cell In\[5\], line 5, in check\n/);
    expect(outcome.error.traceback[1]).to.include("----> 5     throw new RangeError('x too big: ' + p.x);");
    expect(outcome.error.traceback.at(-1)).to.equal('RangeError: x too big: 3');
    // The function declared by the failing cell still exists, as in a REPL.
    const later = await run('check({ x: -1 })');
    expect(later.outcome).to.deep.equal({ status: 'ok', result: { 'text/plain': '-1' } });
  });

  it('names the TypeScript line of a library frame, not the emitted JavaScript line', async () => {
    const { outcome } = await run("import { check } from './test/notebook/fixtures/thrower.js';\ncheck(5, { max: 3 });", 'Cell In[6]');
    if (outcome.status !== 'error') throw new Error('expected an error');
    expect(outcome.error.traceback).to.include('  at check (test/notebook/fixtures/thrower.ts:15)');
    expect(outcome.error.location).to.equal('Cell In[6], line 2');
  });

  it('keeps working after files are created and deleted under the project (tslab jams)', async () => {
    expect((await run("import { check as checkAgain } from './test/notebook/fixtures/thrower.js';\ncheckAgain(1, { max: 3 })")).outcome.status).to.equal('ok');
    const probe = path.join(FIXTURES, `probe-${process.pid}`);
    mkdirSync(probe);
    try {
      for (let i = 0; i < 3; i++) {
        writeFileSync(path.join(probe, `file${i}.ts`), 'export const x = 1;\n');
        await pause(100);
      }
      await pause(800);
    } finally {
      rmSync(probe, { recursive: true, force: true });
    }
    await pause(800);
    expect((await run('checkAgain(2, { max: 3 })')).outcome).to.deep.equal({ status: 'ok', result: { 'text/plain': '2' } });
  });

  it('reports a type error as TSError naming cell, line and TypeScript code', async () => {
    const { outcome } = await run("const ok = 1;\nconst bad: string = ok;", 'Cell In[7]');
    if (outcome.status !== 'error') throw new Error('expected an error');
    expect(outcome.error.ename).to.equal('TSError');
    expect(outcome.error.location).to.equal('Cell In[7], line 2');
    expect(outcome.error.traceback[0]).to.include('error TS2322');
  });

  it('keeps display order: sync displays, async bundles, then the result', async () => {
    const { outcome, outputs } = await run(
      "display('first');\ndisplay({ _repr_mimebundle_: async () => ({ 'text/html': '<i>second</i>' }) });\ndisplay(3);\n'last'",
    );
    expect(outputs.map((o) => (o.output_type === 'display_data' ? o.data['text/plain'] ?? o.data['text/html'] : o.output_type))).to.deep.equal([
      "'first'",
      '<Object>',
      '3',
    ]);
    expect(outcome).to.deep.equal({ status: 'ok', result: { 'text/plain': "'last'" } });
  });

  it('sends a display that is ready at once before later printed text', async () => {
    const { outputs } = await run("display(1);\nconsole.log('after');");
    expect(outputs.map((o) => o.output_type)).to.deep.equal(['display_data', 'stream']);
  });

  it('turns the analysis layer’s progress into a display that updates in place', async () => {
    const { outputs } = await run(
      "import { createProgress } from './kernel-lib/analysis/progress.js';\nconst p = createProgress('sweep', 4);\nfor (let i = 1; i <= 4; i++) p.update(i, `${i} cached`);\np.stop();",
    );
    expect(outputs).to.have.length(1);
    const [bar] = outputs;
    if (bar?.output_type !== 'display_data') throw new Error('expected a display');
    expect(bar.data['text/plain']).to.equal('sweep: 4/4 (100%), 4 cached');
    expect(bar.data['text/html']).to.include('<progress value="4" max="4"');
    expect(bar.metadata).to.deep.equal({ dmsim: { progress: true } });
  });

  it('supports tslab’s own display API (tslab.display.*, newDisplay) as notebooks written for tslab use it', async () => {
    const { outcome, outputs } = await run(
      "import * as tslab from 'tslab';\ntslab.display.html('<b>bold</b>');\ntslab.display.markdown('**md**');\ntslab.display.png(new Uint8Array([137, 80, 78, 71]));\nconst d = tslab.newDisplay();\nd.text('first');\nd.text('second');",
    );
    expect(outcome.status).to.equal('ok');
    expect(outputs.map((o) => (o.output_type === 'display_data' ? o.data : o.output_type))).to.deep.equal([
      { 'text/html': '<b>bold</b>' },
      { 'text/markdown': '**md**' },
      { 'image/png': 'iVBORw==' },
      // A display made by newDisplay() is updated in place.
      { 'text/plain': 'second' },
    ]);
  });

  it('stops a cell waiting on a promise when interrupted', async () => {
    // Interrupt once the cell is waiting (it says so), not after a guessed time.
    (globalThis as { __cellWaiting?: () => void }).__cellWaiting = () => setImmediate(() => executor.interrupt());
    const { outcome } = await run('(globalThis as any).__cellWaiting();\nawait new Promise(() => {});');
    expect(outcome.status).to.equal('error');
    if (outcome.status === 'error') expect(outcome.error.ename).to.equal('KeyboardInterrupt');
  });
});
