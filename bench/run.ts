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

/**
 * The same M/M/1 under each way people run the library: the project's loader, tsx (esbuild
 * with keepNames), Node's own type stripping where this Node has it, and the notebook
 * kernel's compiler (tslab's TypeScript, CommonJS). Runners take turns, round after round,
 * so a change in the machine's load hits them all alike; medians count. The rate per CPU
 * second (the whole process's, GC threads included) is the steadier figure on a shared
 * machine; the wall-clock rate is what a user waits for.
 */
function benchRunners(): void {
  const n = 1_000_000;
  const rounds = REPEATS;
  const loader = ['--import', './bin/register-ts.mjs'];
  const runners: { runner: string; args: string[]; unavailable?: string }[] = [
    { runner: 'register-ts', args: [...loader, 'bench/mm1.ts'] },
    { runner: 'tsx', args: ['--import', 'tsx', 'bench/mm1.ts'] },
    { runner: 'node-strip-types', args: ['--experimental-strip-types', 'bench/mm1.ts'], unavailable: stripTypesUnavailable() },
    { runner: 'notebook-kernel', args: [...loader, 'bench/mm1-kernel.ts'] },
  ];
  const wall = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  const failed = new Map<string, string>();
  for (let round = 0; round < rounds; round++) {
    for (const r of runners) {
      if (r.unavailable !== undefined || failed.has(r.runner)) continue;
      try {
        const js = runJson(process.execPath, [...r.args, String(n)]);
        (wall.get(r.runner) ?? wall.set(r.runner, []).get(r.runner)!).push(js.customersPerSecond);
        (cpu.get(r.runner) ?? cpu.set(r.runner, []).get(r.runner)!).push(js.customersPerCpuSecond);
      } catch (err) {
        failed.set(r.runner, firstLine(err));
      }
    }
  }
  const base = median(cpu.get('register-ts') ?? []);
  for (const r of runners) {
    const note = r.unavailable ?? failed.get(r.runner);
    if (note !== undefined) {
      emit({ name: 'mm1.runner.customers_per_second', runner: r.runner, value: null, unit: 'customers/s', note, node: process.version });
      continue;
    }
    const perCpu = median(cpu.get(r.runner)!);
    emit({
      name: 'mm1.runner.customers_per_second',
      runner: r.runner,
      value: Math.round(median(wall.get(r.runner)!)),
      unit: 'customers/s',
      customers_per_cpu_second: Math.round(perCpu),
      cpu_ratio_to_register_ts: Number((perCpu / base).toFixed(3)),
      goal_min_ratio: 1 / 1.3,
      customers: n,
      median_of: wall.get(r.runner)!.length,
      node: process.version,
    });
  }
}

/** Why `node --experimental-strip-types` cannot run bench/mm1.ts here, or undefined if it can try. */
function stripTypesUnavailable(): string | undefined {
  try {
    execFileSync(process.execPath, ['--experimental-strip-types', '-e', '0'], { stdio: 'pipe' });
    return undefined;
  } catch {
    return `node ${process.version} has no type stripping (--experimental-strip-types came with Node 22.6)`;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  const text = String(e.stderr || e.message || err);
  return text.split('\n').find((l) => /Error|error/.test(l))?.trim() ?? text.split('\n')[0]!;
}

/** Other benchmark modules: bench/<topic>.ts exporting run(): Promise<object[]>. */
const MODULES = ['keep-names', 'block', 'scenario', 'snapshot', 'pdata', 'clone', 'userspace', 'vdo', 'sweep', 'shard', 'notebook', 'report'];

async function main(): Promise<void> {
  // `bench/run.ts mm1 sweep` runs only those topics; no argument runs them all.
  const only = process.argv.slice(2);
  const wanted = (topic: string) => only.length === 0 || only.includes(topic);
  if (wanted('mm1')) {
    benchEngine();
    benchRunners();
  }
  for (const m of MODULES) {
    if (!wanted(m)) continue;
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
