// Running a scenario: load it (file or object), apply overrides, build the stack on a fresh
// simulation, run the workload to its end, and gather fio-shaped results plus the `dmsim`
// block. The same scenario, overrides and seed always give the same results (only the wall
// time differs).
//   const r = runScenario('examples/hdd-2019-randwrite.yaml', { set: { 'block.nr_requests': 64 }, seed: 7 });
//   r.fio.jobs[0].write.iops
import { performance } from 'node:perf_hooks';
import { InputError } from '../base/input-error.js';
import { CpuSet } from '../sim/cpu.js';
import { Simulation, type SimEvent } from '../sim/index.js';
import { fioJson } from '../workload/fio/json-output.js';
import { buildStack, type DeviceFactory, type Stack } from './build.js';
import { loadScenarioFile, scenarioFromObject, type LoadedScenario } from './load.js';
import { applyOverrides, checkParams, pageCacheOptions, ParamError } from './params.js';
import { setJobOption } from '../workload/fio/job-option-set.js';
import { ScenarioResult, type DmsimBlock } from './result.js';
import { validateScenario, type Scenario, type WorkloadSpec } from './schema.js';
import { BlockTrace } from './trace-writer.js';
import { locksOf, threadReport } from './where-time-went.js';
import { cutPower, parseCutTime, probePowerCut, type PowerCutReport } from './power-cut.js';
import { PowerCut } from '../block/power-cut.js';
import { startWorkload } from './workloads.js';
import { createDevice } from '../block/create-device.js';
import { MappedDevice } from '../dm/mapped-device.js';
import type { BlockDevice } from '../block/device.js';
import { PageCache } from '../block/page-cache.js';

export interface RunOptions {
  /** Overrides by dotted path: model parameters (`block.nr_requests`) or scenario keys (`seed`). */
  set?: Readonly<Record<string, unknown>>;
  /** Replaces the scenario's seed. */
  seed?: number | string;
  /** Collect a blkparse-style trace of the physical devices (see result.trace). */
  trace?: boolean;
  /** Substitute device factory (tests). */
  createDevice?: DeviceFactory;
  /**
   * Polled every few thousand events: true stops the run where it is (Ctrl-C), and the
   * result covers what was done so far, with a warning saying so.
   */
  stopRequested?: () => boolean;
  /**
   * Cuts the power at this simulated time (seconds, or "12.5s" / "800ms"; from the start of
   * the run, the targets' setup included): the run stops there, each device loses what its
   * volatile cache held, each target re-opens and checks its metadata (result.dmsim.power_cut).
   * A time at or after the run's end is an error.
   */
  powerCutAt?: number | string;
  /**
   * Instants (seconds) at which to look at what a cut would leave, the run going on
   * (result.dmsim.power_cut_probes); instants after the run's end are not probed.
   */
  powerCutProbes?: readonly number[];
  /** Runs this workload instead of the scenario's (dmsim fio: the scenario is the stack). */
  workload?: WorkloadSpec;
  /** File names mapped to the stack's devices (dmsim fio --map): `*` maps any name the stack does not know. */
  fileMap?: Readonly<Record<string, string>>;
}

/** Thrown out of the event loop when stopRequested() says so. */
class RunStopped extends Error {}

/** A trace hook that asks `stop` every 4096 events and leaves the event loop when it says yes. */
function stopCheck(stop: () => boolean): (time: number) => void {
  let n = 0;
  return () => {
    if ((++n & 4095) === 0 && stop()) throw new RunStopped();
  };
}

/** `workload.fio.<section>.<option>`: a fio option of [global] or of one job. */
const FIO_OPTION = /^workload\.fio\.([^.]+)\.([^.]+)$/;

/** Loads and checks a scenario without running it. */
export function loadScenario(scenario: string | object, options: RunOptions = {}): { scenario: Scenario; loaded: LoadedScenario } {
  const loaded = typeof scenario === 'string' ? loadScenarioFile(scenario) : scenarioFromObject(scenario);
  const set = { ...(options.set ?? {}) };
  if (options.seed !== undefined) set.seed = options.seed;
  // fio options (`workload.fio.global.iodepth`, `workload.fio.<job>.bs`) go into the job file.
  const fioSet = Object.entries(set).filter(([key]) => FIO_OPTION.test(key));
  for (const [key] of fioSet) delete set[key];
  applyOverrides(loaded.data, set);
  let checked = validateScenario(loaded, options.workload);
  if (fioSet.length > 0) {
    const workload = checked.workload;
    if (workload.kind !== 'fio') throw new InputError(`the scenario's workload is ${workload.kind}, not a fio job file`, { file: '--set', field: fioSet[0]![0] });
    let text = workload.text;
    for (const [key, value] of fioSet) {
      const [, section, option] = FIO_OPTION.exec(key)!;
      text = setJobOption(text, section!, option!, value, key);
    }
    checked = { ...checked, workload: { ...workload, text } };
  }
  try {
    checkParams(checked.params);
  } catch (err) {
    if (err instanceof ParamError) {
      const p = loaded.source.lineOf(['params', err.key]) !== undefined ? ['params', err.key] : ['params', ...err.key.split('.')];
      throw new InputError(err.message, { file: loaded.source.file, line: loaded.source.lineOf(p), field: err.key });
    }
    throw err;
  }
  return { scenario: checked, loaded };
}

export function runScenario(scenario: string | object, options: RunOptions = {}): ScenarioResult {
  const wall0 = performance.now();
  const { scenario: sc, loaded } = loadScenario(scenario, options);
  const { machine, tools } = checkParams(sc.params);
  const sim = new Simulation({ seed: sc.seed });
  const cpus = new CpuSet(sim, {
    cores: machine.cores,
    contextSwitchNs: machine.contextSwitchNs,
    wakeupNs: machine.wakeupNs,
    wakeupPreemption: machine.wakeupPreemption,
  });
  const trace = options.trace ? new BlockTrace(sim) : null;
  const cutNs = options.powerCutAt === undefined ? NaN : parseCutTime(options.powerCutAt, 'powerCutAt') * 1e9;
  const probeNs = (options.powerCutProbes ?? []).map((t) => parseCutTime(t, 'powerCutProbes') * 1e9).sort((a, b) => a - b);
  const pc = cutNs === cutNs || probeNs.length > 0 ? new PowerCut(sim) : null;
  const base = options.createDevice ?? createDevice;
  const make: DeviceFactory = pc !== null ? (s, c, spec) => pc.wrap(base(s, c, spec)) : base;
  const factory: DeviceFactory = trace ? (s, c, spec) => trace.wrap(make(s, c, spec)) : make;
  const stack = buildStack(sc, loaded.source, sim, cpus, factory);
  // `dmsetup create` returns once the targets' constructors are done: a persistent snapshot
  // reads and writes its header first. The workload starts after that.
  const setups = targetSetups(stack);
  if (setups.length > 0) sim.run({ until: sim.allOf(setups) });
  const setupNs = sim.now;
  const warnings: string[] = [];
  const warn = (m: string) => {
    if (!warnings.includes(m)) warnings.push(m);
  };
  const map = options.fileMap ?? {};
  const resolveFile = (name: string) => stack.resolve(map[name] ?? (stack.has(name) ? name : (map['*'] ?? name)));
  // One page cache per device that buffered I/O touches (a block device's own mapping).
  const caches = new Map<BlockDevice, PageCache>();
  const cacheOptions = pageCacheOptions(sc.params);
  const pageCache = (dev: BlockDevice) => {
    let cache = caches.get(dev);
    if (cache === undefined) {
      cache = new PageCache(sim, dev, cpus, cacheOptions);
      caches.set(dev, cache);
    }
    return cache;
  };

  const w = sc.workload;
  const run = startWorkload(w, { scenario: sc, source: loaded.source, stack, sim, cpus, tools, resolveFile, pageCache, caches, warn });
  const done = run.done;

  if (options.stopRequested !== undefined) sim.trace = stopCheck(options.stopRequested);
  let stopped = false;
  let powerCut: PowerCutReport | undefined;
  const probes: PowerCutReport[] = [];
  let endedAt = NaN;
  if (pc !== null) done.then(() => (endedAt = sim.now));
  try {
    for (const t of probeNs) {
      if (!(t < cutNs) && cutNs === cutNs) break;
      if (t > sim.now) sim.run({ until: t });
      if (done.processed) break;
      probes.push(probePowerCut(pc as PowerCut, stack, run.shell));
    }
    if (cutNs === cutNs) {
      if (cutNs < sim.now) throw new InputError(`the cut at ${(cutNs / 1e9).toFixed(6)} s falls before the workload started (the targets' setup ran to ${(sim.now / 1e9).toFixed(6)} s)`, { field: 'power-cut-at' });
      sim.run({ until: cutNs });
      if (done.processed) {
        throw new InputError(`the cut at ${(cutNs / 1e9).toFixed(6)} s is after the end of the run (it ended at ${(endedAt / 1e9).toFixed(6)} s of simulated time): give an earlier time`, { field: 'power-cut-at' });
      }
      powerCut = cutPower(pc as PowerCut, stack, run.shell);
      run.interrupt();
    } else {
      sim.run({ until: done });
    }
  } catch (err) {
    if (!(err instanceof RunStopped)) throw err;
    stopped = true;
    run.interrupt();
  }
  sim.trace = undefined;
  const elapsed = sim.now;
  const disks = diskUtil(stack);
  const fio = run.fioShaped ? fioJson(run.reports(), disks, elapsed, run.globalOptions) : null;
  const dmsim: DmsimBlock = {
    scenario: sc.file,
    seed: sc.seed,
    simulated_ns: elapsed,
    simulated_s: elapsed / 1e9,
    setup_s: setupNs / 1e9,
    events: sim.eventsProcessed,
    wall_ms: performance.now() - wall0,
    cpu_util: cpus.utilization(),
    devices: stack.entries.map((e) => {
      const s = e.dev.diskStats();
      return {
        name: e.name,
        kind: e.kind,
        size_sectors: e.dev.sizeSectors,
        ...(s === null ? {} : { ...s, util: elapsed > 0 ? Math.min(100, (100 * s.busyNs) / elapsed) : 0 }),
        ...(e.kind === 'target' && e.dev instanceof MappedDevice ? { status: targetStatus(e.dev) } : {}),
      };
    }),
    warnings,
    params: sc.params,
    locks: locksOf(sim, elapsed),
    threads: threadReport(sim, cpus, elapsed),
    ...(powerCut !== undefined ? { power_cut: powerCut } : {}),
    ...(probeNs.length > 0 ? { power_cut_probes: probes } : {}),
  };
  for (const e of stack.entries) {
    if (e.kind !== 'target' || !(e.dev instanceof MappedDevice)) continue;
    for (const t of e.dev.targets) {
      const warning = t.target.health?.().warning;
      if (warning !== undefined) warn(warning);
    }
  }
  if (powerCut !== undefined) warn(`the power was cut at ${powerCut.at_s.toFixed(6)} s of simulated time: the results cover the run until then`);
  if (stopped) warn(`interrupted at ${(elapsed / 1e9).toFixed(6)} s of simulated time: the results cover the run so far`);
  if (trace?.truncated) warnings.push(`trace truncated after ${trace.eventCount} events`);
  return new ScenarioResult(sc, fio, run.dd?.result() ?? null, dmsim, trace, run.reports().map((r) => r.stats.jobs), run.shell);
}

/**
 * The scenario run until a power cut at `atSeconds` (a number of seconds or "12.5s"): what
 * each device lost and what each target found on re-opening are `result.dmsim.power_cut`.
 */
export function powerCut(scenario: string | object, atSeconds: number | string, options: RunOptions = {}): ScenarioResult {
  return runScenario(scenario, { ...options, powerCutAt: atSeconds });
}

/** What the targets' constructors still do in simulated time (their `ready`: a persistent snapshot's header I/O). */
function targetSetups(stack: Stack): SimEvent<unknown>[] {
  const out: SimEvent<unknown>[] = [];
  for (const e of stack.entries) {
    if (e.kind !== 'target' || !(e.dev instanceof MappedDevice)) continue;
    for (const t of e.dev.targets) if (t.target.ready != null) out.push(t.target.ready);
  }
  return out;
}

/** One `dmsetup status` line per target of the table: where it sits, its type, what it reports. */
type TargetStatus = { begin: number; length: number; type: string; [key: string]: unknown };

function targetStatus(md: MappedDevice): TargetStatus[] {
  return md.targets.map((t) => ({ begin: t.begin, length: t.length, type: t.target.type, ...(t.target.status?.() ?? {}) }));
}

function diskUtil(stack: Stack) {
  const out = [];
  for (const e of stack.entries) {
    const stats = e.dev.diskStats();
    if (stats === null) continue;
    // A mapped device's slaves: the devices its targets sit on (fio reads /sys/block/dm-N/slaves).
    const slaves = e.dev instanceof MappedDevice ? [...new Set(e.dev.targets.flatMap((t) => t.target.devices))].map((d) => d.diskStats()).filter((s) => s !== null) : [];
    out.push(slaves.length > 0 ? { name: e.name, stats, slaves } : { name: e.name, stats });
  }
  return out;
}
