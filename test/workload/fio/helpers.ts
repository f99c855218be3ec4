// Runs a fio job file against fake devices, for the workload tests.
import { CpuSet } from '../../../kernel-lib/sim/cpu.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { FioRun } from '../../../kernel-lib/workload/fio/fio.js';
import { fioJson } from '../../../kernel-lib/workload/fio/json-output.js';
import { FakeDevice } from '../../dm/fake-device.js';

export interface FioTestOptions {
  serviceNs?: number;
  sizeSectors?: number;
  cores?: number;
  seed?: number;
  queueDepth?: number;
}

export function runFio(text: string, options: FioTestOptions = {}) {
  const sim = new Simulation({ seed: options.seed ?? 1 });
  const cpus = options.cores ? new CpuSet(sim, { cores: options.cores, contextSwitchNs: 1000, wakeupNs: 1000 }) : null;
  const dev = new FakeDevice(sim, 'sda', options.sizeSectors ?? 2 ** 21, options.serviceNs ?? 100_000, options.queueDepth);
  const warnings: string[] = [];
  const run = new FioRun(
    { sim, cpus, resolveFile: (n) => (n.replace(/^\/dev\//, '') === 'sda' ? dev : undefined), cpuNsPerIo: 1000, source: 'test.fio', warn: (m) => warnings.push(m) },
    text,
    'test.fio',
  );
  const done = run.start();
  sim.run({ until: done });
  const json = fioJson(run.reports(), [{ name: 'sda', stats: dev.diskStats() }], sim.now, run.globalOptions) as any;
  return { sim, dev, run, json, warnings, cpus };
}
