// Sweep throughput: ~40 CPU-bound points of ~50 ms each, cache off, with 1 worker (in process)
// and with 2 worker threads. Reports points per second for each, the speedup, and how long a
// pool takes to start (a fixed cost the speedup has to amortize).
import { availableParallelism } from 'node:os';
import { burn } from '../test/analysis/fixtures/burn-helper.js';
import { sweep } from '../kernel-lib/analysis/sweep.js';

const RUNNER = { module: 'test/analysis/fixtures/burn.ts', export: 'run' };
const POINTS = 40;
const TARGET_MS = 50;

/** Iterations of the fixture's burn loop that take about TARGET_MS on this machine. */
function calibrate(): number {
  burn(1, 200_000); // warm up the JIT
  const probe = 1_000_000;
  const start = performance.now();
  burn(2, probe);
  return Math.round((probe * TARGET_MS) / (performance.now() - start));
}

async function timeSweep(workers: number, iterations: number, points = POINTS): Promise<number> {
  const start = performance.now();
  const table = await sweep({
    runner: RUNNER,
    grid: { x: Array.from({ length: points }, (_, i) => i) },
    params: { iterations },
    seed: 1,
    workers,
    cache: false,
    quiet: true,
  });
  if (table.numRows() !== points) throw new Error(`bench sweep: expected ${points} rows, got ${table.numRows()}`);
  return (performance.now() - start) / 1000;
}

export async function run(): Promise<object[]> {
  const iterations = calibrate();
  const context = { points: POINTS, point_ms: TARGET_MS, cores: availableParallelism() };
  await timeSweep(1, 1000, 1); // load the runner once, so the first measurement pays no extra
  const one = await timeSweep(1, iterations);
  const two = await timeSweep(2, iterations);
  const startup = await timeSweep(2, 1, 2); // two trivial points: the pool's start-up cost
  return [
    { name: 'sweep.throughput.workers1', value: POINTS / one, unit: 'points/s', ...context },
    { name: 'sweep.throughput.workers2', value: POINTS / two, unit: 'points/s', ...context },
    { name: 'sweep.speedup.workers2', value: one / two, unit: 'x', goal: 1.8, ...context },
    { name: 'sweep.pool_startup.workers2', value: startup * 1000, unit: 'ms', ...context },
  ];
}

// `node --import tsx bench/sweep.ts` runs this benchmark alone.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  for (const result of await run()) console.log(JSON.stringify(result));
}
