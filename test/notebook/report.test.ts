import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { readNotebook, serializeNotebook } from '../../kernel-lib/notebook/nbformat.js';
import { FIXTURES, PROJECT, runProgram, validateNotebooks } from './jupyter-env.js';

const SCREENSHOTS = path.join(PROJECT, 'test-output', 'notebook');

function readAll(dir: string): Map<string, string> {
  return new Map(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

/** A page minus its one run-dependent line (wall time, sweep cache counters). */
function withoutTiming(html: string): string {
  return html.replace(/^<p class="timing">.*<\/p>$/m, '');
}

describe('notebook/report (make report)', function () {
  this.timeout(900_000);
  let work: string;
  let notebooks: string;
  let reports: string;
  const report = () => runProgram(process.execPath, ['bin/dmsim.js', 'report', '--notebooks', notebooks, '--out', reports], { timeoutMs: 600_000 });

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), 'dmsim-report-'));
    notebooks = path.join(work, 'notebooks');
    reports = path.join(work, 'reports');
    mkdirSync(notebooks);
    copyFileSync(path.join(FIXTURES, 'small.ipynb'), path.join(notebooks, 'a-small.ipynb'));
    // b-flaky starts good; a later test breaks it.
    const good = readNotebook(path.join(FIXTURES, 'failing.ipynb'));
    good.cells = good.cells.filter((c) => !String(c.source).includes('throw'));
    writeFileSync(path.join(notebooks, 'b-flaky.ipynb'), serializeNotebook(good));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  let first: Map<string, string>;
  let second: Map<string, string>;

  it('writes an executed notebook and a page per notebook, and an index', async () => {
    const ran = await report();
    expect(ran.code, ran.stderr).to.equal(0);
    first = readAll(reports);
    expect([...first.keys()].sort()).to.deep.equal(['a-small.html', 'a-small.ipynb', 'b-flaky.html', 'b-flaky.ipynb', 'index.html']);
    const valid = await validateNotebooks([path.join(reports, 'a-small.ipynb'), path.join(reports, 'b-flaky.ipynb')]);
    expect(valid.code, valid.stderr).to.equal(0);
    const index = first.get('index.html')!;
    expect(index).to.include('<a class="title" href="a-small.html">Small fixture</a>');
    expect(index).to.include('<p class="finding">The sum of the draws is below the number of draws.</p>');
    const page = first.get('a-small.html')!;
    expect(page).to.match(/<img alt="&#60;Chart: draws&#62;" src="data:image\/svg\+xml;base64,/);
    expect(page).to.include('<details class="source" open><summary>In [1] Parameters</summary>');
    expect(page).to.match(/<dt>Seeds<\/dt><dd><code>seed = 7<\/code><\/dd>/);
    expect(page).to.match(/<dt>Versions<\/dt><dd>.*<code>tslab = 1\.0\.22<\/code>.*<code>vega-lite = 5\.23\.0<\/code>/);
    // Nothing refers outside the page.
    for (const [name, html] of first) {
      if (name.endsWith('.html')) expect(html, name).not.to.match(/(src|href)="(https?:)?\/\//);
    }
  });

  it('gives byte-identical pages on a second run, except the timing line', async () => {
    const ran = await report();
    expect(ran.code, ran.stderr).to.equal(0);
    second = readAll(reports);
    for (const name of ['a-small.html', 'b-flaky.html', 'index.html']) {
      expect(withoutTiming(second.get(name)!), name).to.equal(withoutTiming(first.get(name)!));
    }
    expect(second.get('a-small.html')).to.match(/^<p class="timing">Executed in [\d.]+ s on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(.+, \d+ cores, .+\); no sweeps\.<\/p>$/m);
  });

  it('keeps the last good page of a failing notebook, renders the others, and exits non-zero', async () => {
    copyFileSync(path.join(FIXTURES, 'failing.ipynb'), path.join(notebooks, 'b-flaky.ipynb'));
    const ran = await report();
    expect(ran.code).to.equal(1);
    const where = `${path.relative(PROJECT, path.join(notebooks, 'b-flaky.ipynb'))}, cell 3, line 2`;
    expect(ran.stderr).to.include(`FAILED at ${where}: Error: deliberate failure`);
    const third = readAll(reports);
    expect(third.get('b-flaky.html')).to.equal(second.get('b-flaky.html'));
    expect(third.get('b-flaky.ipynb')).to.equal(second.get('b-flaky.ipynb'));
    expect(withoutTiming(third.get('a-small.html')!)).to.equal(withoutTiming(first.get('a-small.html')!));
    expect(third.get('index.html')).to.include(`The last run failed at ${where}; the page is from the last good run.`);
  });

  it('opens in headless Chromium: no console errors, no network, every figure drawn', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const profile = mkdtempSync(path.join(tmpdir(), 'dmsim-chromium-'));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const problems: string[] = [];
      const requests: string[] = [];
      const page = await browser.newPage();
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => !r.url().startsWith('file:') && !r.url().startsWith('data:') && requests.push(r.url()));
      for (const [file, width] of [['index.html', 900], ['a-small.html', 900], ['a-small.html', 390], ['b-flaky.html', 900]] as const) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`file://${path.join(reports, file)}`);
        const figures = await page.$$eval('figure img', (imgs) =>
          imgs.map((img) => ({ width: (img as HTMLImageElement).naturalWidth, svg: atob((img as HTMLImageElement).src.split(',')[1] ?? '') })),
        );
        for (const figure of figures) {
          expect(figure.width, file).to.be.greaterThan(0);
          expect(figure.svg, file).to.match(/<path[^>]* d="M[^"]+"/);
        }
        if (file === 'a-small.html') {
          expect(figures).to.have.length(1);
          // Readable on a phone: nothing wider than the screen but scrollable code and tables.
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          expect(overflow, `horizontal overflow at ${width}px`).to.be.at.most(0);
        }
        await page.screenshot({ path: path.join(SCREENSHOTS, `${path.basename(file, '.html')}-${width}.png`), fullPage: true });
      }
      // Print: no navigation, code wrapped instead of cut at the page edge.
      await page.emulateMedia({ media: 'print' });
      await page.goto(`file://${path.join(reports, 'a-small.html')}`);
      expect(await page.$eval('nav.crumbs', (el) => getComputedStyle(el).display)).to.equal('none');
      expect(await page.$eval('details.source pre', (el) => getComputedStyle(el).whiteSpace)).to.equal('pre-wrap');
      expect(problems).to.deep.equal([]);
      expect(requests).to.deep.equal([]);
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
