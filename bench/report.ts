// `make report` speed, per notebook: a cold run (empty sweep cache) and a warm one (every sweep
// cached), each cell's share of the warm run (where the warm time goes), the page rendering,
// and a whole warm `dmsim report NOTEBOOK` process (start-up, compiler, run, page).
// Each figure is wall-clock seconds (`value`) and CPU seconds of this process, user + system,
// sweep worker threads included (`cpu_s`): on a shared machine the CPU time is the steadier
// one, and the one to compare. `cells_compiled` / `cells_cached` say how many cells TypeScript
// converted and how many came from the compile cache (.cache/cells).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CellCompiler } from '../kernel-lib/notebook/compiler.js';
import { notebookPage } from '../kernel-lib/notebook/html-page.js';
import { joinSource, readNotebook } from '../kernel-lib/notebook/nbformat.js';
import { provenance } from '../kernel-lib/notebook/provenance.js';
import { runNotebook } from '../kernel-lib/notebook/runner.js';

const round = (x: number) => Number(x.toFixed(2));

/** Wall and CPU seconds (user + system, from /usr/bin/time; null without it) of a child process. */
function timedProcess(args: string[], env: NodeJS.ProcessEnv): { wall: number; cpu: number | null } {
  const t = performance.now();
  const timed = existsSync('/usr/bin/time');
  const r = timed
    ? spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', process.execPath, ...args], { cwd: ROOT, env, encoding: 'utf8' })
    : spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8' });
  const wall = (performance.now() - t) / 1000;
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? '');
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : null };
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Timed {
  seconds: number;
  cpu: number;
  compiled: number;
  cached: number;
  cells: { cell: number; seconds: number; first: string }[];
  ok: boolean;
  hits: number;
  misses: number;
}

async function timedRun(file: string, compiler: CellCompiler): Promise<Timed & { page: number }> {
  const name = path.relative(ROOT, file);
  const source = readNotebook(file);
  const starts: { cell: number; at: number }[] = [];
  // (`?? ...`: the same file times a checkout from before the compile cache, for comparisons.)
  const counts = { ...(compiler.counts ?? { cached: 0, compiled: 0 }) };
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await runNotebook(source, name, { compiler, onCellStart: (cell) => starts.push({ cell, at: performance.now() }) });
  const ended = performance.now();
  const used = process.cpuUsage(cpu);
  const cells = starts.map((s, i) => ({
    cell: s.cell,
    seconds: Number((((starts[i + 1]?.at ?? ended) - s.at) / 1000).toFixed(2)),
    first: joinSource(source.cells[s.cell - 1]?.source ?? '').split('\n').find((l) => l.trim() && !l.startsWith('//'))?.slice(0, 60) ?? '',
  }));
  const t = performance.now();
  notebookPage(result.notebook, path.basename(file), provenance(name, ROOT, { parameters: result.parameters, wallSeconds: result.wallSeconds, sweepCache: result.sweepCache }));
  const page = (performance.now() - t) / 1000;
  const now = compiler.counts ?? { cached: 0, compiled: 0 };
  return {
    seconds: (ended - started) / 1000,
    cpu: (used.user + used.system) / 1e6,
    compiled: now.compiled - counts.compiled,
    cached: now.cached - counts.cached,
    cells,
    ok: !result.failure, hits: result.sweepCache?.hits ?? 0, misses: result.sweepCache?.misses ?? 0, page };
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
  const saved = { cwd: process.cwd(), cache: process.env.DMSIM_CACHE_DIR, cells: process.env.DMSIM_CELL_CACHE_DIR };
  const cache = mkdtempSync(path.join(tmpdir(), 'dmsim-bench-cache-'));
  const out = mkdtempSync(path.join(tmpdir(), 'dmsim-bench-reports-'));
  process.chdir(ROOT);
  // Cold means both caches empty: sweep runs and cell conversions.
  if (!options.warmOnly) {
    process.env.DMSIM_CACHE_DIR = cache;
    process.env.DMSIM_CELL_CACHE_DIR = path.join(cache, 'cells');
  }
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
        push({ name: 'report.cold', value: round(cold.seconds), unit: 's', cpu_s: round(cold.cpu), ...base, ok: cold.ok, misses: cold.misses, cells_compiled: cold.compiled, cells_cached: cold.cached });
      }
      const warm = await timedRun(file, compiler);
      push({ name: 'report.warm', value: round(warm.seconds), unit: 's', cpu_s: round(warm.cpu), ...base, ok: warm.ok, hits: warm.hits, misses: warm.misses, cells_compiled: warm.compiled, cells_cached: warm.cached });
      push({ name: 'report.page_render', value: Number(warm.page.toFixed(2)), unit: 's', ...base });
      // Where the warm time goes: the cells that take more than a tenth of a second.
      push({ name: 'report.warm_cells', value: Number(warm.seconds.toFixed(2)), unit: 's', ...base, cells: warm.cells.filter((c) => c.seconds >= 0.1) });
      // The whole process `dmsim report NOTEBOOK` starts for it, warm.
      const p = timedProcess(['bin/dmsim.js', 'report', file, '--out', out], options.warmOnly ? process.env : { ...process.env, DMSIM_CACHE_DIR: cache });
      push({ name: 'report.warm_process', value: round(p.wall), unit: 's', cpu_s: p.cpu === null ? null : round(p.cpu), ...base });
    }
  } finally {
    compiler.close();
    process.chdir(saved.cwd);
    for (const [name, value] of [['DMSIM_CACHE_DIR', saved.cache], ['DMSIM_CELL_CACHE_DIR', saved.cells]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
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
