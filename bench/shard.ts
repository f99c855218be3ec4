// Sharded sweeps (`dmsim sweep SPEC --shard I/N`, each shard its own process as on a cluster):
// what one shard costs beyond its runs (Node and dmsim start, spec and model-version hashing,
// plan and marker files), and the speedup of a 32-point sweep run as 1, 2 and 4 concurrent
// shards on this machine against the ideal min(N, cores). Shards run one thread each (what a
// Slurm task with one CPU gets). Each configuration runs REPEATS times, interleaved; the best
// counts (the machine is shared: the best run is the least disturbed one). The points burn
// CPU (test/analysis/fixtures/burn.ts): what is measured is sharding, not a model's own
// warm-up in each process. Shards run from the prebuilt JavaScript mirror (bin/js-mirror.mjs);
// `DMSIM_NO_JS_MIRROR=1 make bench` measures them through the TypeScript loader instead.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { burn } from '../test/analysis/fixtures/burn-helper.js';

const run$ = promisify(execFile);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const POINTS = 32;
const POINT_MS = 250;
const REPEATS = 2;

/**
 * Iterations of the burn fixture that take about POINT_MS of CPU here. CPU time, not wall
 * time: on a loaded machine a wall-clock calibration makes the points far shorter than meant.
 */
function calibrate(): number {
  burn(1, 200_000);
  let fastest = Infinity;
  for (let i = 0; i < 5; i++) {
    const start = process.cpuUsage();
    burn(2, 500_000);
    const used = process.cpuUsage(start);
    fastest = Math.min(fastest, (used.user + used.system) / 1000);
  }
  return Math.round((500_000 * POINT_MS) / fastest);
}

function specFile(dir: string, iterations: number, points: number): string {
  const file = path.join(dir, 'bench.yaml');
  fs.writeFileSync(file, `runner: { module: test/analysis/fixtures/burn.ts }\nparams: { iterations: ${iterations} }\ngrid:\n  x: [${Array.from({ length: points }, (_, i) => i).join(', ')}]\nseed: 5\n`);
  return file;
}

/** CPU seconds (user + system) of this process's children that have ended, from /proc (Linux). */
function childCpuSeconds(): number {
  try {
    // Fields after the command name: state is field 3; cutime and cstime are fields 16 and 17.
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/** Wall seconds for `copies` concurrent bare Node processes each burning `seconds` of CPU: what the machine gives now. */
async function bareProcesses(copies: number, iterations: number): Promise<number> {
  const code = `const { burn } = await import(${JSON.stringify(path.join(ROOT, 'test/analysis/fixtures/burn-helper.ts'))}); burn(1, ${iterations});`;
  const start = performance.now();
  await Promise.all(Array.from({ length: copies }, () => run$(process.execPath, ['--import', './bin/register-ts.mjs', '--input-type=module', '-e', code], { cwd: ROOT })));
  return (performance.now() - start) / 1000;
}

/** Seconds for `shards` concurrent shard processes to run the whole sweep into an empty cache. */
async function timeShards(spec: string, shards: number, cpu?: number[]): Promise<number> {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'dmsim-bench-shard-'));
  const env = { ...process.env, DMSIM_CACHE_DIR: path.join(dir, 'cache'), DMSIM_SWEEP_DIR: path.join(dir, 'jobs') };
  try {
    const start = performance.now();
    const cpuBefore = childCpuSeconds();
    await Promise.all(Array.from({ length: shards }, (_, i) => run$(process.execPath, ['bin/dmsim.js', 'sweep', spec, '--shard', `${i}/${shards}`, '--workers', '1'], { cwd: ROOT, env })));
    cpu?.push(childCpuSeconds() - cpuBefore);
    return (performance.now() - start) / 1000;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A shard's cost beyond its runs: a one-point shard whose run is cached, Node with the
 * TypeScript loader and nothing else (not `dmsim --help`, which loads every command's module),
 * and Node alone. A shard runs from the prebuilt JavaScript mirror (bin/js-mirror.mjs).
 */
async function overhead(spec: string): Promise<{ shardMs: number; shardCpuMs: number; startMs: number; bareMs: number }> {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'dmsim-bench-shard-'));
  const env = { ...process.env, DMSIM_CACHE_DIR: path.join(dir, 'cache'), DMSIM_SWEEP_DIR: path.join(dir, 'jobs') };
  let cpuMs = Infinity;
  const once = async (args: string[]) => {
    const start = performance.now();
    const cpuBefore = childCpuSeconds();
    await run$(process.execPath, args, { cwd: ROOT, env });
    if (args[0] === 'bin/dmsim.js') cpuMs = Math.min(cpuMs, (childCpuSeconds() - cpuBefore) * 1000);
    return performance.now() - start;
  };
  try {
    // Fills the cache (and builds the JavaScript mirror of the sources if there is none yet).
    await once(['bin/dmsim.js', 'sweep', spec, '--shard', '0/1', '--workers', '1']);
    let shardMs = Infinity;
    let startMs = Infinity;
    let bareMs = Infinity;
    for (let i = 0; i < 3; i++) {
      shardMs = Math.min(shardMs, await once(['bin/dmsim.js', 'sweep', spec, '--shard', '0/1', '--workers', '1']));
      startMs = Math.min(startMs, await once(['--import', './bin/register-ts.mjs', '-e', '0']));
      bareMs = Math.min(bareMs, await once(['-e', '0']));
    }
    return { shardMs, shardCpuMs: cpuMs, startMs, bareMs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<object[]> {
  const cores = availableParallelism();
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'dmsim-bench-spec-'));
  try {
    const iterations = calibrate();
    const { shardMs, shardCpuMs, startMs, bareMs } = await overhead(specFile(dir, 1000, 1));
    const spec = specFile(dir, iterations, POINTS);
    const counts = [1, 2, 4];
    const best = counts.map(() => Infinity);
    const cpu = counts.map(() => [] as number[]);
    let bare1 = Infinity;
    let bare2 = Infinity;
    const bareWork = iterations * 8; // ~2 s of CPU per process
    for (let round = 0; round < REPEATS; round++) {
      for (const [i, n] of counts.entries()) best[i] = Math.min(best[i]!, await timeShards(spec, n, cpu[i]));
      bare1 = Math.min(bare1, await bareProcesses(1, bareWork));
      bare2 = Math.min(bare2, await bareProcesses(2, bareWork));
    }
    const loader = process.env.DMSIM_NO_JS_MIRROR ? 'typescript-loader' : 'js-mirror';
    const context = { points: POINTS, point_ms: POINT_MS, cores, best_of: REPEATS, shards_run_from: loader, load_average_1min: Number(loadavg()[0]!.toFixed(2)) };
    const out: object[] = [
      { name: 'shard.overhead_cached_shard', value: Math.round(shardMs), unit: 'ms', note: 'a one-point shard whose run is cached: start, load, plan, markers', cores, shards_run_from: loader },
      { name: 'shard.overhead_cached_shard_cpu', value: Math.round(shardCpuMs), unit: 'cpu-ms', note: 'the same, CPU time (user + system, with its children)', cores, shards_run_from: loader },
      { name: 'shard.overhead_node_start', value: Math.round(startMs), unit: 'ms', note: 'Node and the TypeScript loader alone (node --import ./bin/register-ts.mjs -e 0), which a shard no longer loads (bin/js-mirror.mjs)', cores },
      { name: 'shard.overhead_node_bare', value: Math.round(bareMs), unit: 'ms', note: 'Node alone (node -e 0)', cores },
    ];
    for (const [i, n] of counts.entries()) {
      const speedup = best[0]! / best[i]!;
      const ideal = Math.min(n, cores);
      out.push({ name: `shard.sweep32.shards${n}`, value: Number(best[i]!.toFixed(2)), unit: 's', ...context });
      out.push({ name: `shard.speedup.shards${n}`, value: Number(speedup.toFixed(3)), unit: 'x', ideal, efficiency: Number((speedup / ideal).toFixed(3)), goal_efficiency: 0.9, ...context });
      // CPU time of all the shards together: what sharding adds in work, whatever the load.
      const cpuN = Math.min(...cpu[i]!);
      const cpu1 = Math.min(...cpu[0]!);
      out.push({ name: `shard.cpu.shards${n}`, value: Number(cpuN.toFixed(2)), unit: 'cpu-s', ...context });
      // Load-independent: with the shards' CPU time spread evenly over min(N, cores) idle cores,
      // the speedup would be ideal x cpu1 / cpuN (what the per-shard start-up costs in work).
      out.push({ name: `shard.cpu_bound_speedup.shards${n}`, value: Number(((ideal * cpu1) / cpuN).toFixed(3)), unit: 'x', ideal, efficiency: Number((cpu1 / cpuN).toFixed(3)), goal_efficiency: 0.9, ...context });
    }
    // For context: what two bare processes gain over one right now (2 on an idle 2-core machine).
    out.push({ name: 'shard.machine_speedup.processes2', value: Number(((2 * bare1) / bare2).toFixed(3)), unit: 'x', note: 'two bare Node processes burning the same loop', ...context });
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// `node --import ./bin/register-ts.mjs bench/shard.ts` runs this benchmark alone.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  for (const result of await run()) console.log(JSON.stringify(result));
}
