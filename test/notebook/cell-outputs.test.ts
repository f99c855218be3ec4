import { expect } from 'chai';
import { CellOutputs } from '../../kernel-lib/notebook/cell-outputs.js';
import { serializeNotebook } from '../../kernel-lib/notebook/nbformat.js';

describe('notebook/cell-outputs', () => {
  it('merges consecutive chunks of one stream, as Jupyter clients do', () => {
    const out = new CellOutputs();
    out.stream('stdout', 'a\n');
    out.stream('stdout', 'b\n');
    out.stream('stderr', 'c\n');
    out.stream('stdout', 'd\n');
    expect(out.outputs.map((o) => (o.output_type === 'stream' ? o.text : ''))).to.deep.equal(['a\nb\n', 'c\n', 'd\n']);
  });

  it('replaces the data of a display when an update with its id arrives', () => {
    const out = new CellOutputs();
    out.displayData({ 'text/plain': '1/3' }, {}, 'p1');
    out.stream('stdout', 'x');
    out.displayData({ 'text/plain': '3/3' }, {}, 'p1', true);
    expect(out.outputs[0]).to.deep.equal({ output_type: 'display_data', data: { 'text/plain': '3/3' }, metadata: {} });
    expect(out.outputs).to.have.length(2);
  });

  it('clears now, or at the next output with wait', () => {
    const out = new CellOutputs();
    out.stream('stdout', 'old');
    out.clearOutput(true);
    expect(out.outputs).to.have.length(1);
    out.stream('stdout', 'new');
    expect(out.outputs).to.deep.equal([{ output_type: 'stream', name: 'stdout', text: 'new' }]);
  });

  it('writes text as lists of lines and JSON MIME data as objects, keys sorted', () => {
    const text = serializeNotebook({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          id: 'x',
          cell_type: 'code',
          source: 'a\nb',
          metadata: {},
          execution_count: 1,
          outputs: [{ output_type: 'display_data', metadata: {}, data: { 'text/plain': 'l1\nl2\n', 'application/vnd.vegalite.v5+json': { mark: 'bar' } } }],
        },
      ],
    });
    const nb = JSON.parse(text);
    expect(nb.cells[0].source).to.deep.equal(['a\n', 'b']);
    expect(nb.cells[0].outputs[0].data['text/plain']).to.deep.equal(['l1\n', 'l2\n']);
    expect(nb.cells[0].outputs[0].data['application/vnd.vegalite.v5+json']).to.deep.equal({ mark: 'bar' });
    expect(Object.keys(nb.cells[0])).to.deep.equal(['cell_type', 'execution_count', 'id', 'metadata', 'outputs', 'source']);
  });
});
