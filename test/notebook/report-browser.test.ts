// A report page as readers see it, in headless Chromium, on a phone (390 px) and a laptop
// (1280 px): every chart drawn live from its spec (no network), text no smaller than 11 px,
// nothing wider than the screen except tables and code that scroll sideways with a visible
// cue; save as SVG and the CSV downloads work; printed, the page is its outputs with the
// static figures. Screenshots go to test-output/notebook/ (look at them after a layout change).
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { serializeNotebook, type Cell, type Notebook } from '../../kernel-lib/notebook/nbformat.js';
import { PROJECT, runProgram } from './jupyter-env.js';

const SCREENSHOTS = path.join(PROJECT, 'test-output', 'notebook');

const markdown = (source: string, tags: string[] = []): Cell => ({ cell_type: 'markdown', source, metadata: tags.length ? { tags } : {} });
const code = (source: string, tags: string[] = []): Cell => ({ cell_type: 'code', source, metadata: tags.length ? { tags } : {}, outputs: [], execution_count: null });

const LONG_SERIES = ['first-come-first-served with a long name', 'shortest positioning time first, also long'];

const study: Notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    markdown('# Layout fixture\n\nDoes a report read on a phone?\n\nThe rest of the introduction.'),
    code('const seed = 3;', ['parameters']),
    markdown('## Charts\n\nThe curves are in @fig-curves; the bars in @fig-bars.'),
    code(
      [
        '//| label: fig-curves',
        '//| fig-cap: Two curves with long legend labels.',
        "import { Chart } from './kernel-lib/analysis/chart.js';",
        `const names = ${JSON.stringify(LONG_SERIES)};`,
        'const rows = names.flatMap((s, k) => [1, 2, 4, 8, 16, 32].map((qd) => ({ qd, iops: 80 + k * 10 * Math.log2(qd) + seed, ordering: s })));',
        'display(new Chart({',
        "  title: 'Throughput against queue depth for two orderings of a long title',",
        '  width: 520, height: 260, data: { values: rows }, mark: { type: "line", point: true },',
        "  encoding: { x: { field: 'qd', type: 'quantitative', scale: { type: 'log', base: 2 } }, y: { field: 'iops', type: 'quantitative' }, color: { field: 'ordering', type: 'nominal' } },",
        '}));',
      ].join('\n'),
    ),
    code(
      [
        "import { metricChart } from './kernel-lib/analysis/index.js';",
        'metricChart(rows, { x: "qd", y: "iops", series: "ordering", title: "Bars", xScale: "log", xLabel: "queue depth", yLabel: "throughput", yUnit: "IOPS", zoom: true })',
      ].join('\n'),
      ['fig-bars'],
    ),
    markdown('## Tables and code'),
    code(
      [
        "import * as aq from 'arquero';",
        'const wide: Record<string, number[]> = {};',
        'for (let c = 0; c < 14; c++) wide[`a_rather_long_column_${c}`] = [1.5 * c, 2 * c, 3 * c];',
        'aq.table(wide)',
        '// ' + 'a very long comment line that does not wrap '.repeat(6),
      ].join('\n'),
    ),
    code('`The page works: ${LONG_SERIES_COUNT} series.`'.replace('${LONG_SERIES_COUNT}', String(LONG_SERIES.length)), ['finding']),
  ],
};

describe('notebook/report pages in a browser (phone and laptop)', function () {
  this.timeout(0);
  let work: string;
  let reports: string;
  let profile: string;
  let browser: BrowserContext;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'dmsim-layout-'));
    const notebooks = path.join(work, 'notebooks');
    reports = path.join(work, 'reports');
    mkdirSync(notebooks);
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(path.join(notebooks, 'layout.ipynb'), serializeNotebook(study));
    const ran = await runProgram(process.execPath, ['bin/dmsim.js', 'report', '--notebooks', notebooks, '--out', reports], { timeoutMs: 600_000 });
    expect(ran.code, ran.stderr).to.equal(0);
    profile = mkdtempSync(path.join(tmpdir(), 'dmsim-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      acceptDownloads: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const pageFile = () => `file://${path.join(reports, 'layout.html')}`;

  async function open(width: number, problems: string[], requests: string[]): Promise<Page> {
    const page = await browser.newPage();
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => !/^(file|data|blob):/.test(r.url()) && requests.push(r.url()));
    await page.setViewportSize({ width, height: 900 });
    await page.goto(pageFile());
    await page.waitForFunction(() => document.documentElement.getAttribute('data-charts') === 'drawn', null, { timeout: 120_000 });
    return page;
  }

  it('allows its one script by hash (plus eval, which vega needs) and nothing from elsewhere', () => {
    const html = readFileSync(path.join(reports, 'layout.html'), 'utf8');
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    expect(policy).to.match(/script-src 'sha256-[A-Za-z0-9+/=]+' 'unsafe-eval';/);
    expect(policy).not.to.match(/unsafe-inline|https?:|\*/);
    expect(html.match(/<script>/g)).to.have.length(1);
  });

  for (const width of [390, 1280]) {
    it(`at ${width} px: charts drawn live, text >= 11 px, no horizontal overflow, scroll cues on wide tables and code`, async () => {
      const problems: string[] = [];
      const requests: string[] = [];
      const page = await open(width, problems, requests);
      try {
        const charts = await page.$$eval('figure.chart', (figures) =>
          figures.map((f) => {
            const svg = f.querySelector('.vega-chart svg');
            const box = svg?.getBoundingClientRect();
            return {
              id: f.id,
              interactive: f.classList.contains('interactive'),
              marks: svg ? svg.querySelectorAll('path[d]').length : 0,
              staticShown: getComputedStyle(f.querySelector('img')!).display !== 'none',
              width: box?.width ?? 0,
              right: box?.right ?? 0,
              // Rendered size of every chart text, legend labels included, with their full text.
              texts: svg
                ? [...svg.querySelectorAll('text')].map((t) => {
                    const r = t.getBoundingClientRect();
                    return { text: t.textContent ?? '', left: r.left, right: r.right, size: parseFloat(getComputedStyle(t).fontSize) };
                  })
                : [],
              holder: f.querySelector('.vega-chart')!.getBoundingClientRect().right,
            };
          }),
        );
        expect(charts.map((c) => c.id)).to.deep.equal(['fig-curves', 'fig-bars']);
        for (const chart of charts) {
          expect(chart.interactive, chart.id).to.equal(true);
          expect(chart.staticShown, chart.id).to.equal(false);
          expect(chart.marks, chart.id).to.be.greaterThan(3);
          expect(chart.right, `${chart.id} right edge`).to.be.at.most(width);
          // Laid out at the page's width, not at 0 (a chart measured while hidden has an empty
          // SVG box: it looks drawn, but no tooltip or zoom event ever reaches it).
          expect(chart.width, `${chart.id} width`).to.be.greaterThan(Math.min(width, 700) * 0.6);
          // Nothing drawn outside the chart's box (a legend running off the side is clipped).
          const outside = chart.texts.filter((t) => t.text.trim() && (t.right > chart.holder + 0.5 || t.left < 0));
          expect(outside, `${chart.id} text outside the chart`).to.deep.equal([]);
          const small = chart.texts.filter((t) => t.text.trim() && t.size < 11);
          expect(small, `${chart.id} text under 11 px`).to.deep.equal([]);
        }
        // Legend labels whole, never cut with an ellipsis.
        const legend = charts[0]!.texts.map((t) => t.text);
        for (const name of LONG_SERIES) expect(legend, 'legend label').to.include(name);
        expect(legend.join(' ')).not.to.include('…');
        if (width === 390) expect(charts[0]!.width).to.be.at.most(390);
        // Body text: nothing rendered under 11 px.
        const tiny = await page.$$eval('main *, header *, footer *', (els) =>
          els
            .filter((e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim()) && (e as HTMLElement).offsetParent !== null && !e.closest('svg'))
            .map((e) => ({ tag: e.tagName, size: parseFloat(getComputedStyle(e).fontSize) }))
            .filter((x) => x.size < 11),
        );
        expect(tiny).to.deep.equal([]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 'page overflow').to.be.at.most(0);
        // The wide table scrolls inside its box at phone width, with shadows as the cue.
        const table = await page.$eval('.output.html', (el) => ({
          scrolls: el.scrollWidth > el.clientWidth,
          overflowX: getComputedStyle(el).overflowX,
          cue: getComputedStyle(el).backgroundImage,
        }));
        if (width === 390) expect(table.scrolls, 'wide table scrolls').to.equal(true);
        expect(table.overflowX).to.equal('auto');
        expect(table.cue).to.match(/radial-gradient/);
        await page.click('label[for=code-shown]');
        const codeBox = await page.$eval('details.source pre', (el) => ({ overflowX: getComputedStyle(el).overflowX, cue: getComputedStyle(el).backgroundImage }));
        expect(codeBox.overflowX).to.equal('auto');
        expect(codeBox.cue).to.match(/radial-gradient/);
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 'overflow with code shown').to.be.at.most(0);
        await page.click('label[for=code-folded]');
        await page.screenshot({ path: path.join(SCREENSHOTS, `layout-${width}.png`), fullPage: true });
        expect(problems).to.deep.equal([]);
        expect(requests).to.deep.equal([]);
      } finally {
        await page.close();
      }
    });
  }

  it('saves a chart as SVG, and downloads chart and table data as CSV', async () => {
    const page = await open(1280, [], []);
    try {
      const [svg] = await Promise.all([page.waitForEvent('download'), page.click('#fig-curves button[data-save="svg"]')]);
      expect(svg.suggestedFilename()).to.equal('fig-curves.svg');
      expect(readFileSync((await svg.path())!, 'utf8')).to.match(/^<svg[\s\S]*<path[\s\S]*<\/svg>/);
      const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#fig-curves a.csv')]);
      expect(csv.suggestedFilename()).to.equal('fig-curves.csv');
      const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\r\n');
      expect(lines[0]).to.equal('qd,iops,ordering');
      expect(lines).to.have.length(13);
      const [table] = await Promise.all([page.waitForEvent('download'), page.click('.table-actions a.csv')]);
      expect(table.suggestedFilename()).to.equal('table-1.csv');
      expect(readFileSync((await table.path())!, 'utf8').split('\n')[0]).to.match(/^a_rather_long_column_0,/);
      // The executed notebook is linked beside the page.
      expect(await page.$eval('nav.crumbs a[download]', (a) => a.getAttribute('href'))).to.equal('layout.ipynb');
    } finally {
      await page.close();
    }
  });

  it('powers of two on a base-2 axis; the wheel zooms a chart that asks for it at 1280 px, not on a phone', async () => {
    for (const width of [1280, 390]) {
      const page = await open(width, [], []);
      try {
        const labels = () => page.$eval('#fig-bars .vega-chart svg', (svg) => [...svg.querySelectorAll('.role-axis-label text')].map((t) => t.textContent));
        const before = await labels();
        expect(before, `${width} px`).to.include.members(['1', '2', '4', '8', '16', '32']);
        const box = (await page.$('#fig-bars .vega-chart'))!;
        await box.scrollIntoViewIfNeeded();
        const b = (await box.boundingBox())!;
        await page.mouse.move(b.x + b.width / 2, b.y + b.height / 3);
        await page.mouse.wheel(0, -600);
        await page.waitForTimeout(500);
        const after = await labels();
        if (width === 1280) expect(after, 'zoomed at 1280 px').to.not.deep.equal(before);
        else expect(after, 'no zoom on a phone').to.deep.equal(before);
      } finally {
        await page.close();
      }
    }
  });

  it('printed: outputs only, static figures, no live charts or buttons', async () => {
    const page = await open(1280, [], []);
    try {
      await page.emulateMedia({ media: 'print' });
      const state = await page.evaluate(() => ({
        live: [...document.querySelectorAll('.vega-chart')].map((e) => getComputedStyle(e).display),
        still: [...document.querySelectorAll('figure.chart > img')].map((e) => getComputedStyle(e).display),
        code: [...document.querySelectorAll('details.source')].map((e) => getComputedStyle(e).display),
      }));
      expect(state.live).to.deep.equal(['none', 'none']);
      expect(state.still).to.deep.equal(['block', 'block']);
      expect(new Set(state.code)).to.deep.equal(new Set(['none']));
    } finally {
      await page.close();
    }
  });
});
