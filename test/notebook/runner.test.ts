import { expect } from 'chai';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNotebook, type Notebook } from '../../kernel-lib/notebook/nbformat.js';
import { runNotebook } from '../../kernel-lib/notebook/runner.js';
import { sharedCompiler } from './shared-compiler.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

describe('notebook/runner', function () {
  this.timeout(600_000);

  it('executes every code cell in order with parameters injected, outputs as Jupyter stores them', async () => {
    const source = readNotebook(path.join(FIXTURES, 'small.ipynb'));
    const result = await runNotebook(source, 'small.ipynb', { parameters: { n: 3 }, compiler: sharedCompiler() });
    expect(result.failure).to.equal(undefined);
    const code = result.notebook.cells.filter((c) => c.cell_type === 'code');
    expect(code.map((c) => c.execution_count)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(code[1]!.metadata.tags).to.deep.equal(['injected-parameters']);
    expect(code[2]!.outputs![0]).to.deep.equal({ output_type: 'stream', name: 'stdout', text: 'drew 3 numbers\n' });
    expect(code[2]!.outputs![1]).to.include({ output_type: 'execute_result', execution_count: 3 });
    expect(code[3]!.outputs![0]!.output_type).to.equal('execute_result');
    expect(result.parameters).to.deep.equal({ seed: '7', n: '3' });
    expect(result.notebook.metadata.kernelspec).to.deep.include({ name: 'dmsim' });
  });

  it('stops at a failing cell and names the notebook, the cell and the line', async () => {
    const source = readNotebook(path.join(FIXTURES, 'failing.ipynb'));
    const result = await runNotebook(source, 'notebooks/failing.ipynb', { compiler: sharedCompiler() });
    expect(result.failure).to.include({ cell: 3, location: 'notebooks/failing.ipynb, cell 3, line 2', evalue: 'deliberate failure' });
    const last = result.notebook.cells[3]!;
    expect(last.execution_count).to.equal(null);
    expect(last.outputs).to.deep.equal([]);
  });

  /** A notebook of code cells, one per source. */
  const codeNotebook = (...sources: string[]): Notebook => ({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: sources.map((source, i) => ({ id: `c${i}`, cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null })),
  });

  it('turns process.exit() in a cell into that cell’s failure, and the process goes on', async () => {
    const result = await runNotebook(codeNotebook('1 + 1', 'process.exit(0);', 'console.log("after")'), 'nb.ipynb', { compiler: sharedCompiler() });
    expect(result.failure).to.include({ cell: 2, ename: 'ProcessExit' });
    expect(result.failure!.evalue).to.match(/process\.exit\(0\)/);
    expect(result.notebook.cells[2]!.execution_count).to.equal(null);
    // The real process.exit is back.
    expect(process.exit.name).to.not.match(/dmsim/);
  });

  it('reports a late error (a timer throwing after its cell ended) as that cell’s failure', async () => {
    const result = await runNotebook(
      codeNotebook(
        'setTimeout(() => { throw new Error("late boom"); }, 0); 1',
        // The next cell waits until the timer has fired: the late error belongs to cell 1, not 2.
        'await new Promise((resolve) => setTimeout(resolve, 0)); await new Promise((resolve) => setImmediate(resolve));',
        'console.log("not reached")',
      ),
      'nb.ipynb',
      { compiler: sharedCompiler() },
    );
    expect(result.failure).to.include({ cell: 1, evalue: 'late boom' });
    expect(result.failure!.location).to.match(/^nb\.ipynb, cell 1/);
    expect(result.failure!.traceback.join('\n')).to.match(/after the cell (had )?finished/);
    expect(result.notebook.cells[2]!.execution_count).to.equal(null);
  });

  it('reports an unhandled rejection left behind by the last cell', async () => {
    const result = await runNotebook(codeNotebook('1', 'Promise.reject(new Error("rejected late")); 2'), 'nb.ipynb', { compiler: sharedCompiler() });
    expect(result.failure).to.include({ cell: 2, evalue: 'rejected late' });
  });

  it('stops a cell waiting on a promise that never resolves at the cell time limit', async () => {
    const result = await runNotebook(codeNotebook('await new Promise(() => {});', '3'), 'nb.ipynb', {
      compiler: sharedCompiler(),
      cellTimeoutMs: 200,
    });
    expect(result.failure).to.include({ cell: 1, ename: 'TimeoutError' });
    expect(result.failure!.evalue).to.match(/0\.2 s/);
  });

  it('stops a synchronous infinite loop at the cell time limit', async () => {
    const result = await runNotebook(codeNotebook('while (true) {}'), 'nb.ipynb', { compiler: sharedCompiler(), cellTimeoutMs: 200 });
    expect(result.failure).to.include({ cell: 1, ename: 'TimeoutError' });
  });

  it('applies the whole-notebook limit when it is shorter than the cell limit', async () => {
    // One never-ending cell only: the limit counts compilation too, so on a loaded machine a
    // quick cell before it could be the one stopped.
    const result = await runNotebook(codeNotebook('await new Promise(() => {});'), 'nb.ipynb', { compiler: sharedCompiler(), timeoutMs: 200 });
    expect(result.failure).to.include({ cell: 1, ename: 'TimeoutError' });
    expect(result.failure!.evalue).to.match(/notebook time limit of 0\.2 s/);
  });
});
