// A/B of the engine against another checkout, for changes too small for `make bench` to see on
// the shared machine. Both copies of bench/mm1-model.ts (each with its own kernel-lib/sim) are
// loaded into one process and run in turn (ABBA order, so whatever one run leaves to the garbage
// collector is charged to either side alike), so load on the machine hits both alike; the CPU
// time of each run counts, medians and minima compared. Measured against an identical copy of
// the tree (11 rounds of 200,000 customers, load average about 30 on 2 cores): ratios 0.88 to
// 1.01, so under such load differences below about 10 % are noise.
//   node --import ./bin/register-ts.mjs bench/mm1-ab.ts /path/to/other/checkout [customers] [rounds]
// One JSON line: {ratioMed, ratioMin} is this tree's CPU time over the other's (below 1: faster).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MM1Result } from './mm1-model.js';

type RunMM1 = (customers: number, seed?: number) => MM1Result;

const other = process.argv[2];
if (other === undefined) {
  console.error('usage: bench/mm1-ab.ts OTHER_CHECKOUT [customers] [rounds]');
  process.exit(2);
}
const customers = Number(process.argv[3] ?? 200_000);
const rounds = Number(process.argv[4] ?? 11);
const a: RunMM1 = (await import(pathToFileURL(resolve(other, 'bench', 'mm1-model.ts')).href)).runMM1;
const b: RunMM1 = (await import('./mm1-model.js')).runMM1;

const cpuA: number[] = [];
const cpuB: number[] = [];
for (let i = 0; i < rounds; i++) {
  if (i % 2 === 0) {
    cpuA.push(a(customers).cpuSeconds);
    cpuB.push(b(customers).cpuSeconds);
  } else {
    cpuB.push(b(customers).cpuSeconds);
    cpuA.push(a(customers).cpuSeconds);
  }
}
const median = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1];
console.log(
  JSON.stringify({
    name: 'mm1.ab_cpu_ratio',
    other: resolve(other),
    customers,
    rounds,
    medianCpuOther: median(cpuA),
    medianCpuThis: median(cpuB),
    ratioMed: Number((median(cpuB) / median(cpuA)).toFixed(4)),
    ratioMin: Number((Math.min(...cpuB) / Math.min(...cpuA)).toFixed(4)),
  }),
);
