// `make report` speed, per notebook: a cold run (empty sweep cache) and a warm one (every sweep
// cached), each cell's share of the warm run (where the warm time goes), the page rendering,
// and a whole warm `dmsim report NOTEBOOK` process (start-up, compiler, run, page).
// Results are wall-clock on a shared machine: compare runs made at the same time.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CellCompiler } from '../kernel-lib/notebook/compiler.js';
import { notebookPage } from '../kernel-lib/notebook/html-page.js';
import { joinSource, readNotebook } from '../kernel-lib/notebook/nbformat.js';
import { provenance } from '../kernel-lib/notebook/provenance.js';
import { runNotebook } from '../kernel-lib/notebook/runner.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Timed {
  seconds: number;
  cells: { cell: number; seconds: number; first: string }[];
  ok: boolean;
  hits: number;
  misses: number;
}

async function timedRun(file: string, compiler: CellCompiler): Promise<Timed & { page: number }> {
  const name = path.relative(ROOT, file);
  const source = readNotebook(file);
  const starts: { cell: number; at: number }[] = [];
  const started = performance.now();
  const result = await runNotebook(source, name, { compiler, onCellStart: (cell) => starts.push({ cell, at: performance.now() }) });
  const ended = performance.now();
  const cells = starts.map((s, i) => ({
    cell: s.cell,
    seconds: Number((((starts[i + 1]?.at ?? ended) - s.at) / 1000).toFixed(2)),
    first: joinSource(source.cells[s.cell - 1]?.source ?? '').split('\n').find((l) => l.trim() && !l.startsWith('//'))?.slice(0, 60) ?? '',
  }));
  const t = performance.now();
  notebookPage(result.notebook, path.basename(file), provenance(name, ROOT, { parameters: result.parameters, wallSeconds: result.wallSeconds, sweepCache: result.sweepCache }));
  const page = (performance.now() - t) / 1000;
  return { seconds: (ended - started) / 1000, cells, ok: !result.failure, hits: result.sweepCache?.hits ?? 0, misses: result.sweepCache?.misses ?? 0, page };
}

/**
 * `only`: notebook file names (default: all); `warmOnly`: skip the cold run and use the
 * project's own sweep cache (to see where a warm run's time goes without minutes of cold runs).
 */
export async function run(options: { only?: string[]; warmOnly?: boolean; emit?: (r: object) => void } = {}): Promise<object[]> {
  const results: object[] = [];
  const push = (r: object) => {
    results.push(r);
    options.emit?.(r);
  };
  const saved = { cwd: process.cwd(), cache: process.env.DMSIM_CACHE_DIR };
  const cache = mkdtempSync(path.join(tmpdir(), 'dmsim-bench-cache-'));
  const out = mkdtempSync(path.join(tmpdir(), 'dmsim-bench-reports-'));
  process.chdir(ROOT);
  if (!options.warmOnly) process.env.DMSIM_CACHE_DIR = cache;
  const compiler = new CellCompiler();
  try {
    const notebooks = readdirSync(path.join(ROOT, 'notebooks'))
      .filter((f) => f.endsWith('.ipynb') && (!options.only?.length || options.only.includes(f)))
      .sort();
    for (const nb of notebooks) {
      const file = path.join(ROOT, 'notebooks', nb);
      const base = { notebook: `notebooks/${nb}` };
      if (!options.warmOnly) {
        const cold = await timedRun(file, compiler);
        push({ name: 'report.cold', value: Number(cold.seconds.toFixed(2)), unit: 's', ...base, ok: cold.ok, misses: cold.misses });
      }
      const warm = await timedRun(file, compiler);
      push({ name: 'report.warm', value: Number(warm.seconds.toFixed(2)), unit: 's', ...base, ok: warm.ok, hits: warm.hits, misses: warm.misses });
      push({ name: 'report.page_render', value: Number(warm.page.toFixed(2)), unit: 's', ...base });
      // Where the warm time goes: the cells that take more than a tenth of a second.
      push({ name: 'report.warm_cells', value: Number(warm.seconds.toFixed(2)), unit: 's', ...base, cells: warm.cells.filter((c) => c.seconds >= 0.1) });
      // The whole process `dmsim report NOTEBOOK` starts for it, warm.
      const t = performance.now();
      execFileSync(process.execPath, ['bin/dmsim.js', 'report', file, '--out', out], { cwd: ROOT, stdio: 'ignore', env: options.warmOnly ? process.env : { ...process.env, DMSIM_CACHE_DIR: cache } });
      push({ name: 'report.warm_process', value: Number(((performance.now() - t) / 1000).toFixed(2)), unit: 's', ...base });
    }
  } finally {
    compiler.close();
    process.chdir(saved.cwd);
    if (saved.cache === undefined) delete process.env.DMSIM_CACHE_DIR;
    else process.env.DMSIM_CACHE_DIR = saved.cache;
    rmSync(cache, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
  return results;
}

// `node --import ./bin/register-ts.mjs bench/report.ts [--warm-only] [NAME.ipynb ...]` prints
// each result as soon as it is known.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  await run({ warmOnly: args.includes('--warm-only'), only: args.filter((a) => a.endsWith('.ipynb')), emit: (r) => console.log(JSON.stringify(r)) });
  process.exit(0);
}
