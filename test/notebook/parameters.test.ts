import { expect } from 'chai';
import type { Notebook } from '../../kernel-lib/notebook/nbformat.js';
import { injectParameters, parameterDeclarations, parseParameterArgument } from '../../kernel-lib/notebook/parameters.js';

const notebook = (): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { id: 'a', cell_type: 'markdown', source: '# T', metadata: {} },
    { id: 'b', cell_type: 'code', source: 'const seed = 42;\nlet clients: number[] = [1, 4]; // the sweep\n', metadata: { tags: ['parameters'] }, outputs: [], execution_count: null },
    { id: 'c', cell_type: 'code', source: 'seed', metadata: {}, outputs: [], execution_count: null },
  ],
});

describe('notebook/parameters', () => {
  it('reads one declaration per line, with keyword, type and default text', () => {
    expect(parameterDeclarations('const seed = 42;\nlet clients: number[] = [1, 4]; // the sweep')).to.deep.equal([
      { name: 'seed', keyword: 'const', type: undefined, valueText: '42' },
      { name: 'clients', keyword: 'let', type: 'number[]', valueText: '[1, 4]' },
    ]);
  });

  it('parses -p values as JSON when they are JSON, else as text', () => {
    expect(parseParameterArgument('seed=7')).to.deep.equal(['seed', 7]);
    expect(parseParameterArgument('clients=[1,2]')).to.deep.equal(['clients', [1, 2]]);
    expect(parseParameterArgument('name=fast disk')).to.deep.equal(['name', 'fast disk']);
    expect(() => parseParameterArgument('seed')).to.throw(/name=value/);
  });

  it('injects a cell tagged injected-parameters after the parameters cell, as papermill does', () => {
    const { notebook: nb, effective } = injectParameters(notebook(), { clients: [8] }, 'nb.ipynb');
    expect(nb.cells.map((c) => c.id)).to.deep.equal(['a', 'b', 'injected-parameters', 'c']);
    expect(nb.cells[2]!.metadata.tags).to.deep.equal(['injected-parameters']);
    expect(nb.cells[2]!.source).to.equal('// Injected parameters\nlet clients: number[] = [8];');
    expect(effective).to.deep.equal({ seed: '42', clients: '[8]' });
    // Re-injecting replaces the earlier injection.
    const again = injectParameters(nb, { seed: 1 }, 'nb.ipynb').notebook;
    expect(again.cells).to.have.length(4);
    expect(again.cells[2]!.source).to.equal('// Injected parameters\nconst seed = 1;');
  });

  it('refuses a parameter the notebook does not declare, naming notebook and known names', () => {
    expect(() => injectParameters(notebook(), { sed: 1 }, 'nb.ipynb')).to.throw("nb.ipynb: the parameters cell declares no 'sed' (parameters: seed, clients)");
  });
});
