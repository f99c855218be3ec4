// Reports are published pages: a notebook full of hostile strings (in its markdown, in the
// finding a cell computes, in text/html and text/markdown outputs, in error messages) must
// give pages that contain no executable script, handler or javascript: URL, and that run no
// script when a browser loads them.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { serializeNotebook, type Cell, type Notebook } from '../../kernel-lib/notebook/nbformat.js';
import { runProgram } from './jupyter-env.js';

// Every payload, if it ever ran, sets window.__pwned and the title: the browser check reads both.
const RUN = (n: number) => `window.__pwned=${n};document.title='pwned'`;
const SCRIPT = (n: number) => `<script>${RUN(n)}</script>`;
const IMG = (n: number) => `<img src=x onerror="${RUN(n)}">`;

const markdown = (source: string, tags: string[] = []): Cell => ({ cell_type: 'markdown', source, metadata: tags.length ? { tags } : {} });
const code = (source: string, tags: string[] = []): Cell => ({
  cell_type: 'code',
  source,
  metadata: tags.length ? { tags } : {},
  outputs: [],
  execution_count: null,
});
const notebook = (cells: Cell[], metadata: Record<string, unknown> = {}): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata,
  cells: cells.map((c, i) => ({ ...c, id: `c${i}` })),
});

/** A JS string literal of `s` inside cell source. */
const lit = (s: string) => JSON.stringify(s);

const HOSTILE_MARKDOWN = [
  `# Hostile ${SCRIPT(1)} title`,
  '',
  `Text ${IMG(2)} and [a link](javascript:${encodeURIComponent(RUN(3))}) and <a href="javascript:${RUN(4)}">another</a>.`,
  '',
  `<svg onload="${RUN(5)}"><circle r="3"/></svg> <iframe src="javascript:${RUN(6)}"></iframe>`,
  '',
  `<div style="background:url(javascript:${RUN(7)})" onclick="${RUN(8)}">x</div> <object data="data:text/html,${SCRIPT(9)}"></object>`,
  '',
  `<form action="javascript:${RUN(10)}"><button>go</button></form> <meta http-equiv="refresh" content="0;url=javascript:${RUN(11)}">`,
].join('\n');

const hostile = notebook([
  markdown(HOSTILE_MARKDOWN),
  code('const seed = 1;', ['parameters']),
  // The finding is computed text: shown as text, never as HTML.
  code(`console.log(${lit(`${IMG(20)} ${SCRIPT(21)} computed finding`)});`, ['finding']),
  code(
    `display({ _repr_mimebundle_: () => ({ 'text/html': ${lit(`${SCRIPT(30)}${IMG(31)}<a href="javascript:${RUN(32)}">h</a><b>bold</b>`)}, 'text/plain': 'html' }) });`,
  ),
  code(
    `display({ _repr_mimebundle_: () => ({ 'text/markdown': ${lit(`**md** ${SCRIPT(40)} ${IMG(41)} [l](javascript:${RUN(42)})`)}, 'text/plain': 'md' }) });`,
  ),
  code(`display({ _repr_mimebundle_: () => ({ 'image/png': ${lit(`x" onerror="${RUN(50)}`)}, 'text/plain': 'png' }) });`),
  code(`${lit(`${SCRIPT(60)}`)}`),
]);

// A failing notebook: its error message (computed text) is shown in the index and the log.
const failing = notebook(
  [markdown(`# Failing ${IMG(70)}`), code(`throw new Error(${lit(`${SCRIPT(71)}${IMG(72)}`)});`)],
  { dmsim: { finding: `metadata finding ${SCRIPT(73)} ${IMG(74)} [x](javascript:${RUN(75)})` } },
);

/** What an attacker needs: a script element, an on* attribute, or a javascript: URL in a tag. */
function executableBits(html: string): string[] {
  const found: string[] = [];
  for (const tag of html.match(/<[a-zA-Z][^>]*>/g) ?? []) {
    if (/^<script\b/i.test(tag) && !/^<script nonce=/.test(tag)) found.push(tag);
    if (/\son[a-z]+\s*=/i.test(tag)) found.push(tag);
    if (/javascript:/i.test(tag)) found.push(tag);
    if (/^<(iframe|object|embed|form|meta http-equiv="refresh"|base)\b/i.test(tag)) found.push(tag);
  }
  return found;
}

describe('notebook/report: hostile notebooks give safe pages', function () {
  this.timeout(900_000);
  let work: string;
  let reports: string;
  let stderr: string;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'dmsim-hostile-'));
    const notebooks = path.join(work, 'notebooks');
    reports = path.join(work, 'reports');
    mkdirSync(notebooks);
    writeFileSync(path.join(notebooks, 'a-hostile.ipynb'), serializeNotebook(hostile));
    writeFileSync(path.join(notebooks, 'b-failing.ipynb'), serializeNotebook(failing));
    const ran = await runProgram(process.execPath, ['bin/dmsim.js', 'report', '--notebooks', notebooks, '--out', reports], { timeoutMs: 600_000 });
    stderr = ran.stderr;
    expect(ran.code, ran.stderr).to.equal(1); // b-failing fails
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const pages = () => readdirSync(reports).filter((f) => f.endsWith('.html')).sort();

  it('writes pages with no script, no event handler and no javascript: URL', () => {
    expect(pages()).to.deep.equal(['a-hostile.html', 'index.html']);
    for (const file of pages()) {
      const html = readFileSync(path.join(reports, file), 'utf8');
      expect(executableBits(html), file).to.deep.equal([]);
    }
  });

  it('keeps the harmless parts and shows computed text as text', () => {
    const page = readFileSync(path.join(reports, 'a-hostile.html'), 'utf8');
    expect(page).to.include('<b>bold</b>');
    expect(page).to.include('<strong>md</strong>');
    const index = readFileSync(path.join(reports, 'index.html'), 'utf8');
    // The computed finding appears escaped, as the text it is.
    expect(index).to.include('&#60;img src=x onerror=');
    expect(index).to.include('computed finding');
    expect(stderr).to.include('b-failing.ipynb');
  });

  it('gives every page a Content-Security-Policy that allows no script and no external load', () => {
    for (const file of pages()) {
      const html = readFileSync(path.join(reports, file), 'utf8');
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
      expect(csp, file).to.not.equal(null);
      const policy = csp![1]!;
      expect(policy).to.match(/default-src 'none'/);
      expect(policy).to.match(/script-src 'none'/);
      expect(policy).not.to.match(/https?:|\*/);
      // The CSP comes before anything it protects.
      expect(html.indexOf('Content-Security-Policy')).to.be.lessThan(html.indexOf('<body>'));
    }
  });

  it('runs no script when Chromium loads every page', async () => {
    const profile = mkdtempSync(path.join(tmpdir(), 'dmsim-chromium-'));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      // A CSP violation is logged as a console error: none means the sanitiser left nothing for the CSP to stop.
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      for (const file of pages()) {
        await page.goto(`file://${path.join(reports, file)}`);
        // Click every link and element a handler could hang on, as a reader might.
        for (const link of await page.$$('a, div, svg, button')) await link.click({ timeout: 2_000, noWaitAfter: true }).catch(() => {});
        if (page.url() !== `file://${path.join(reports, file)}`) await page.goto(`file://${path.join(reports, file)}`);
        const state = await page.evaluate(() => ({ pwned: (window as unknown as { __pwned?: number }).__pwned, title: document.title }));
        expect(state.pwned, file).to.equal(undefined);
        expect(state.title, file).not.to.equal('pwned');
      }
      expect(dialogs).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
