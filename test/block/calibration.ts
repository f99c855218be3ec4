// The fio jobs of docs/references.md#devices-2019, run with the closed-loop driver on two simulated CPUs.
import { CpuSet } from '../../kernel-lib/sim/cpu.js';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { createDevice } from '../../kernel-lib/block/index.js';
import { runClosedLoop, type ClosedLoopJob, type ClosedLoopResult } from './closed-loop.js';

/** The machine the device tests run on: 2 cores, a 2 us wakeup and 1 us context switch [R]. */
export function machine(seed = 1): { sim: Simulation; cpus: CpuSet } {
  const sim = new Simulation({ seed });
  return { sim, cpus: new CpuSet(sim, { cores: 2, wakeupNs: 2000, contextSwitchNs: 1000 }) };
}

export type Figure = 'randWriteLatUs' | 'randWriteIops' | 'seqWriteMBps' | 'randReadLatUs' | 'randReadIops' | 'seqReadMBps';

export const FIO_JOBS: Record<Figure, Omit<ClosedLoopJob, 'runtimeNs'>> = {
  randWriteLatUs: { rw: 'randwrite', bs: 4096, iodepth: 1 },
  randWriteIops: { rw: 'randwrite', bs: 4096, iodepth: 32 },
  seqWriteMBps: { rw: 'write', bs: 262144, iodepth: 32 },
  randReadLatUs: { rw: 'randread', bs: 4096, iodepth: 1 },
  randReadIops: { rw: 'randread', bs: 4096, iodepth: 32 },
  seqReadMBps: { rw: 'read', bs: 262144, iodepth: 32 },
};

export function measure(
  profile: string,
  figure: Figure,
  timing: { runtimeNs: number; rampNs: number },
  opts: { withCpus?: boolean; iodepth?: number; numjobs?: number; seed?: number } = {},
): number {
  const { sim, cpus } = machine(opts.seed ?? 1);
  const useCpus = opts.withCpus ?? true;
  const dev = createDevice(sim, useCpus ? cpus : null, { name: 'dev', profile });
  const base = FIO_JOBS[figure];
  const job: ClosedLoopJob = { ...base, ...timing };
  if (base.iodepth > 1 && opts.iodepth !== undefined) job.iodepth = opts.iodepth;
  if (opts.numjobs !== undefined) job.numjobs = opts.numjobs;
  const r: ClosedLoopResult = runClosedLoop(sim, dev, useCpus ? cpus : null, job);
  if (figure.endsWith('LatUs')) return r.meanLatNs / 1e3;
  if (figure.endsWith('Iops')) return r.iops;
  return r.mbps;
}
