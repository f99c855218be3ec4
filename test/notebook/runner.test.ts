import { expect } from 'chai';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNotebook } from '../../kernel-lib/notebook/nbformat.js';
import { runNotebook } from '../../kernel-lib/notebook/runner.js';
import { sharedCompiler } from './shared-compiler.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

describe('notebook/runner', function () {
  this.timeout(60_000);

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
});
