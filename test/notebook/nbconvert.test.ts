import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { joinSource, readNotebook, type Notebook } from '../../kernel-lib/notebook/nbformat.js';
import { runNotebook } from '../../kernel-lib/notebook/runner.js';
import { FIXTURES, jupyterEnv, runProgram, validateNotebooks } from './jupyter-env.js';
import { sharedCompiler } from './shared-compiler.js';

/** Every text the code cells produced (streams, results, display text), in order. */
function texts(notebook: Notebook): string[] {
  return notebook.cells.flatMap((cell) =>
    (cell.outputs ?? []).map((o) =>
      o.output_type === 'stream' ? joinSource(o.text) : o.output_type === 'error' ? o.evalue : joinSource(o.data['text/plain'] as string | string[]),
    ),
  );
}

describe('notebook/nbconvert (a notebook through Jupyter with the dmsim kernel)', function () {
  this.timeout(900_000);
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'dmsim-nbconvert-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('executes with nbconvert, validates with nbformat, and computes what the in-process run computes', async () => {
    const ran = await runProgram(
      '/usr/bin/jupyter',
      ['nbconvert', '--execute', '--to', 'notebook', '--output-dir', dir, '--ExecutePreprocessor.kernel_name=dmsim', path.join(FIXTURES, 'small.ipynb')],
      { env: jupyterEnv(), timeoutMs: 600_000 },
    );
    expect(ran.code, ran.stderr).to.equal(0);
    const executed = path.join(dir, 'small.ipynb');
    const valid = await validateNotebooks([executed]);
    expect(valid.code, valid.stderr).to.equal(0);

    const viaJupyter = readNotebook(executed);
    const inProcess = await runNotebook(readNotebook(path.join(FIXTURES, 'small.ipynb')), 'small.ipynb', { compiler: sharedCompiler() });
    expect(texts(viaJupyter)).to.deep.equal(texts(inProcess.notebook));
    expect(texts(viaJupyter)).to.include('drew 5 numbers\n');
    // Jupyter numbered the prompts (execute_input) and stored the last expression as a result.
    const code = viaJupyter.cells.filter((c) => c.cell_type === 'code');
    expect(code.map((c) => c.execution_count)).to.deep.equal([1, 2, 3, 4]);
    expect(code[1]!.outputs!.map((o) => o.output_type)).to.deep.equal(['stream', 'execute_result']);
    // The chart arrived as one bundle: the spec as a JSON object, plus SVG and text.
    const chart = code[3]!.outputs![0]!;
    if (chart.output_type !== 'display_data') throw new Error('expected display_data');
    expect(chart.data['application/vnd.vegalite.v5+json']).to.be.an('object');
    expect(joinSource(chart.data['image/svg+xml'] as string[])).to.match(/<path[^>]* d="M/);
  });
});
