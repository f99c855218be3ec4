import { expect } from 'chai';
import type { Notebook } from '../../kernel-lib/notebook/nbformat.js';
import { Eta, formatDuration } from '../../kernel-lib/notebook/progress-display.js';
import { ProgressLine } from '../../kernel-lib/notebook/progress-line.js';
import { runNotebook } from '../../kernel-lib/notebook/runner.js';
import { sharedCompiler } from './shared-compiler.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('notebook/progress-line (live progress of a notebook run)', function () {
  this.timeout(0);

  it('formats durations as people read them', () => {
    expect([5, 59.6, 125, 3 * 3600 + 4 * 60].map(formatDuration)).to.deep.equal(['5 s', '1 min 00 s', '2 min 05 s', '3 h 04 min']);
    expect(formatDuration(Infinity)).to.equal('?');
  });

  it('estimates the time left from the points run since the start, not the cache hits', async () => {
    const eta = new Eta(10);
    expect(eta.text(4)).to.match(/^; 0 s elapsed, ETA \?$/); // 4 cached: no rate yet
    await sleep(300);
    // 2 points in ~0.3 s: 4 left take ~0.6 s, far from what counting the 4 cached would say.
    const text = eta.text(6);
    expect(text).to.match(/^; 0 s elapsed, ETA [01] s$/);
    expect(eta.text(10)).to.equal('');
  });

  it('rewrites one line in place on a terminal and leaves the last state with its time', () => {
    let written = '';
    const line = new ProgressLine({ write: (t) => (written += t), isTTY: true, columns: 30 });
    line.show('nb, cell 3: sweep: 1/4 (25%)');
    line.show('nb, cell 3: sweep: 4/4 (100%), 2 cached');
    line.finish();
    // Cut to the terminal's width (29 columns) while live; the last state stays whole.
    expect(written, JSON.stringify(written)).to.match(/^\r\x1b\[2Knb, cell 3: sweep: 1\/4 \(25%\)\r\x1b\[2Knb, cell 3: sweep: 4\/4 \(100%…\r\x1b\[2Knb, cell 3: sweep: 4\/4 \(100%\), 2 cached \(\d+\.\d s\)\n$/);
  });

  it('prints at most one line per interval without a terminal, plus the last', () => {
    let written = '';
    const line = new ProgressLine({ write: (t) => (written += t), isTTY: false }, 60_000);
    for (let i = 1; i <= 5; i++) line.show(`s: ${i}/5`);
    line.finish();
    expect(written.split('\n').filter(Boolean)).to.have.length(2);
    expect(written).to.match(/^s: 1\/5\ns: 5\/5 \(\d+\.\d s\)\n$/);
  });

  it('shows a sweep’s progress on stderr while the cell runs, naming the notebook and the cell', async () => {
    const notebook: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { cell_type: 'markdown', source: '# P', metadata: {} },
        {
          cell_type: 'code',
          metadata: {},
          outputs: [],
          execution_count: null,
          source: "import { createProgress } from './kernel-lib/analysis/progress.js';\nconst p = createProgress('demo sweep', 3);\np.update(1, '1 cached');\nawait new Promise((r) => setTimeout(r, 250));\np.update(2, '1 cached');\nawait new Promise((r) => setTimeout(r, 250));\np.update(3, '1 cached');\np.stop();",
        },
      ],
    };
    const original = process.stderr.write;
    let err = '';
    process.stderr.write = ((chunk: string | Uint8Array) => {
      err += String(chunk);
      return true;
    }) as typeof process.stderr.write;
    let result;
    try {
      result = await runNotebook(notebook, 'notebooks/p.ipynb', { compiler: sharedCompiler() });
    } finally {
      process.stderr.write = original;
    }
    expect(result.failure).to.equal(undefined);
    // Not a terminal here: the first state, then the last with the cell's time.
    expect(err).to.match(/^notebooks\/p\.ipynb, cell 2: demo sweep: [12]\/3 \(\d+%\), 1 cached; 0 s elapsed, ETA \S+( s)?\n/);
    expect(err).to.match(/notebooks\/p\.ipynb, cell 2: demo sweep: 3\/3 \(100%\), 1 cached \(\d+\.\d s\)\n/);
    // And the page keeps no progress output.
    expect(result.notebook.cells[1]!.outputs).to.deep.equal([]);
  });
});
