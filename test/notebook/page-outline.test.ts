import { expect } from 'chai';
import { notebookPage } from '../../kernel-lib/notebook/html-page.js';
import type { Cell, Notebook, Output } from '../../kernel-lib/notebook/nbformat.js';
import { cellOptions, crossReference, HeadingAnchors, numberFigures, questionCell } from '../../kernel-lib/notebook/page-outline.js';
import type { Provenance } from '../../kernel-lib/notebook/provenance.js';

const md = (source: string, tags?: string[]): Cell => ({ cell_type: 'markdown', source, metadata: tags ? { tags } : {} });
const figure = (spec: object = {}): Output => ({
  output_type: 'display_data',
  data: { 'image/svg+xml': '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg>', 'application/vnd.vegalite.v5+json': spec, 'text/plain': '<Chart>' },
  metadata: {},
});
const code = (source: string, outputs: Output[] = [], metadata: Cell['metadata'] = {}): Cell => ({ cell_type: 'code', source, metadata, outputs, execution_count: 1 });

const PROVENANCE: Provenance = {
  notebook: 'notebooks/x.ipynb',
  git: { commit: 'abc', dirty: false },
  parameters: {},
  versions: { node: '20', dmsim: '0', tslab: '1', typescript: '5', vega: '5', 'vega-lite': '5', arquero: '8' },
  wallSeconds: 1.5,
  startedAt: '2026-12-02T09:51:07.123Z',
  machine: { cpu: 'Test CPU', cores: 2, platform: 'linux' },
};

describe('notebook/page-outline', () => {
  it('numbers figures in page order, labels them from tags or //| options, captions from options, metadata or the spec', () => {
    const a = figure({ title: 'Chart A' });
    const b = figure({ title: 'Chart B', description: 'What B shows' });
    const c = figure({ title: 'Chart C' });
    const d = figure({ title: 'Chart D' });
    const e = figure({ title: { text: 'Chart E' } });
    const cells = [
      code('x', [a], { tags: ['fig-alpha'] }),
      md('text'),
      code('//| label: fig-beta\n//| fig-cap: "Beta, captioned"\ny', [b, c]),
      code('z', [d], { caption: 'From metadata' }),
      code('w', [e]),
    ];
    const figures = numberFigures(cells);
    expect([...figures.values()]).to.deep.equal([
      { label: 'fig-alpha', number: 1, caption: 'Chart A' },
      { label: 'fig-beta', number: 2, caption: 'Beta, captioned' },
      { label: 'fig-beta-2', number: 3, caption: 'Chart C' },
      { label: 'fig-4', number: 4, caption: 'From metadata' },
      { label: 'fig-5', number: 5, caption: 'Chart E' },
    ]);
    // A description wins over the title when no caption is given.
    expect(numberFigures([code('q', [b])]).get(b)!.caption).to.equal('What B shows');
  });

  it('strips //| option lines from the code shown', () => {
    expect(cellOptions('//| label: fig-x\n//| fig-cap: A\nconst a = 1;')).to.deep.equal({
      options: [
        { name: 'label', value: 'fig-x' },
        { name: 'fig-cap', value: 'A' },
      ],
      code: 'const a = 1;',
    });
  });

  it('links @fig- references to their figure, marks unknown ones, and leaves code alone', () => {
    const byLabel = new Map([['fig-a', { label: 'fig-a', number: 3, caption: '' }]]);
    const missing: string[] = [];
    const html = crossReference('<p>See @fig-a and @fig-nope, mail a@fig-a.com, <code>@fig-a</code>.</p>', byLabel, (l) => missing.push(l));
    expect(html).to.equal(
      '<p>See <a class="xref" href="#fig-a">Figure 3</a> and <span class="xref-missing">?@fig-nope</span>, mail a@fig-a.com, <code>@fig-a</code>.</p>',
    );
    expect(missing).to.deep.equal(['fig-nope']);
  });

  it('gives every heading a unique id and a self-link, and lists levels 2 and 3 in the contents', () => {
    const anchors = new HeadingAnchors();
    const html = anchors.anchor('<h2>Results &amp; more</h2><h3>Détail</h3><h2>Results &amp; more</h2><h4>deep</h4>');
    expect(html).to.include('<h2 id="results-more">Results &amp; more<a class="anchor" href="#results-more"');
    expect(html).to.include('<h3 id="detail">');
    expect(html).to.include('<h2 id="results-more-2">');
    expect(anchors.toc()).to.include('<li class="toc-2"><a href="#results-more">Results &#38; more</a></li>');
    expect(anchors.toc()).not.to.include('deep');
  });

  it('takes the question from a cell tagged question, else the title cell', () => {
    expect(questionCell([md('# T\n\nWhy is it slow?\n\nMore.')])?.paragraph).to.equal('Why is it slow?');
    expect(questionCell([md('# T\n\nIntro.'), md('Is it the seek?', ['question'])])?.paragraph).to.equal('Is it the seek?');
  });

  it('puts the title, question, finding and contents before the body, code folded except parameters', () => {
    const notebook: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        md('# The title\n\nDoes it work?\n\nRest of the intro.'),
        code('const seed = 1;', [], { tags: ['parameters'] }),
        md('## Results\n\nAs @fig-main shows.'),
        code('//| label: fig-main\nchart', [figure({ title: 'Main' })]),
        code('"It works: 42 of 42."', [{ output_type: 'execute_result', execution_count: 3, data: { 'text/plain': "'It works: 42 of 42.'" }, metadata: {} }], { tags: ['finding'] }),
      ],
    };
    const page = notebookPage(notebook, 'notebooks/x.ipynb', PROVENANCE);
    const order = ['<h1 id="title">The title</h1>', 'class="question"', 'Does it work?', 'It works: 42 of 42.', '<nav class="toc"', '<main>', 'Rest of the intro.', '<h2 id="results">'];
    const at = order.map((s) => page.indexOf(s));
    expect(at.every((i) => i >= 0), JSON.stringify(at)).to.equal(true);
    expect([...at].sort((x, y) => x - y)).to.deep.equal(at);
    // The question is not repeated in the body; the title heading neither.
    expect(page.split('Does it work?')).to.have.length(2);
    expect(page).to.include('As <a class="xref" href="#fig-main">Figure 1</a> shows.');
    expect(page).to.match(/<figure class="output figure[^"]*" id="fig-main">[\s\S]*<figcaption><span class="fig-number">Figure 1<\/span>. Main<\/figcaption>/);
    expect(page).to.include('<details class="source" open><summary>In [1] Parameters</summary>');
    expect(page).to.include('<details class="source"><summary>In [1] Code</summary><pre><code class="hljs language-typescript">chart');
    expect(page).to.match(/<p class="timing">Executed in 1\.50 s on 2026-12-02 09:51:07 UTC \(Test CPU, 2 cores, linux\); no sweeps\.<\/p>/);
  });
});
