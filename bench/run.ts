// `make bench`: every benchmark, one JSON object per line ({name, value, unit, ...context}).
// Benchmarks time wall-clock on a shared 2-core machine, so each side of a comparison runs
// several times interleaved and the best run counts (the least disturbed one).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPEATS = 3;

function emit(result: object): void {
  console.log(JSON.stringify(result));
}

function runJson(cmd: string, args: string[]): any {
  const out = execFileSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop() as string);
}

function nodeScript(script: string, args: string[]): any {
  return runJson(process.execPath, ['--import', './bin/register-ts.mjs', script, ...args]);
}

/** Compiles bench/mm1.c with the system C compiler; null if there is none. */
function compileC(): string | null {
  const src = resolve(root, 'bench', 'mm1.c');
  if (!existsSync(src)) return null;
  mkdirSync(join(root, 'build'), { recursive: true });
  const bin = join(root, 'build', 'mm1-c');
  try {
    execFileSync('cc', ['-O2', '-o', bin, src, '-lm'], { stdio: 'pipe' });
    return bin;
  } catch {
    return null;
  }
}

function benchEngine(): void {
  const n = 1_000_000;
  const c = compileC();
  let bestJs = 0;
  let bestC = 0;
  let wait = NaN;
  for (let i = 0; i < REPEATS; i++) {
    const js = nodeScript('bench/mm1.ts', [String(n)]);
    bestJs = Math.max(bestJs, js.customersPerSecond);
    wait = js.meanWait;
    if (c !== null) bestC = Math.max(bestC, runJson(c, [String(n), '1']).customers_per_s);
  }
  emit({ name: 'mm1.customers_per_second', value: Math.round(bestJs), unit: 'customers/s', customers: n, lambda: 0.9, mu: 1, mean_wait: wait, theory_mean_wait: 9, best_of: REPEATS });
  if (c !== null) {
    emit({ name: 'mm1.c_customers_per_second', value: Math.round(bestC), unit: 'customers/s', customers: n, source: 'bench/mm1.c', best_of: REPEATS });
    emit({ name: 'mm1.ratio_to_c', value: Number((bestJs / bestC).toFixed(4)), unit: 'ratio', goal: 1 / 3 });
  } else {
    emit({ name: 'mm1.ratio_to_c', value: null, unit: 'ratio', note: 'no C compiler' });
  }
  const big = nodeScript('bench/mm1.ts', ['10000000']);
  emit({ name: 'mm1.peak_rss_10M_customers', value: Math.round(big.maxRssBytes / 2 ** 20), unit: 'MiB', customers: 10_000_000, goal_max: 150, customers_per_second: Math.round(big.customersPerSecond) });
}

/** Other benchmark modules: bench/<topic>.ts exporting run(): Promise<object[]>. */
const MODULES = ['block', 'scenario', 'snapshot', 'sweep', 'notebook'];

async function main(): Promise<void> {
  benchEngine();
  for (const m of MODULES) {
    const file = join(root, 'bench', `${m}.ts`);
    if (!existsSync(file)) continue;
    try {
      const mod = await import(pathToFileURL(file).href);
      for (const r of await mod.run()) emit(r);
    } catch (err) {
      emit({ name: `${m}.error`, value: null, unit: 'error', error: String((err as Error).message ?? err) });
      process.exitCode = 1;
    }
  }
}

await main();
