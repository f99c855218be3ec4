// The workloads a scenario can run, by kind: a lookup of starters rather than a branch per
// kind in runScenario. Each starter builds its tool on the stack (fio's jobs, dd, the shell's
// commands, a trace replay), starts it and says how to read its reports and how to stop it
// early (Ctrl-C). A new kind of workload is a schema entry and a starter here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../base/input-error.js';
import type { BlockDevice } from '../block/device.js';
import type { PageCache } from '../block/page-cache.js';
import type { CpuSet } from '../sim/cpu.js';
import { MAX_TIME, type SimEvent, type Simulation } from '../sim/index.js';
import { DdRun, parseDdOperands } from '../workload/dd.js';
import { FioRun, type JobReport } from '../workload/fio/fio.js';
import type { JobFileVariables, JobOption } from '../workload/fio/job-file.js';
import { PAGE_CACHE_DEFAULTS, PAGE_SIZE } from '../block/page-cache.js';
import { pageCacheOptions } from './params.js';
import type { ShellRun } from '../workload/shell/index.js';
import { beyondEnd, parseTrace, TraceReplay } from '../workload/trace/index.js';
import type { Stack } from './build.js';
import type { SourceMap } from './load.js';
import type { ToolParams } from './params.js';
import type { Scenario, WorkloadSpec } from './schema.js';
import { startShellWorkload } from './shell-workload.js';

/** What a starter may use: the built stack and the run's shared pieces. */
export interface WorkloadContext {
  readonly scenario: Scenario;
  readonly source: SourceMap;
  readonly stack: Stack;
  readonly sim: Simulation;
  readonly cpus: CpuSet | null;
  readonly tools: ToolParams;
  resolveFile(name: string): BlockDevice | undefined;
  /** The page cache of a device, made on first use. */
  pageCache(dev: BlockDevice): PageCache;
  readonly caches: Map<BlockDevice, PageCache>;
  warn(message: string): void;
}

/** A workload running on the simulation. */
export interface StartedWorkload {
  /** Fires when the workload is done. */
  readonly done: SimEvent<unknown>;
  /** fio-shaped job reports (fio and trace replay; none for dd and the shell). */
  reports(): JobReport[];
  /** fio's global options (for its JSON output). */
  readonly globalOptions: JobOption[];
  /** Stop early (Ctrl-C): the reports then cover the run so far. */
  interrupt(): void;
  /** Whether the results are fio's document (fio, trace replay) rather than the tool's own. */
  readonly fioShaped: boolean;
  readonly dd: DdRun | null;
  readonly shell: ShellRun | null;
}

type Starter<K extends WorkloadSpec['kind']> = (w: Extract<WorkloadSpec, { kind: K }>, ctx: WorkloadContext) => StartedWorkload;

const NONE = () => [];

const startFio: Starter<'fio'> = (w, ctx) => {
  const fio = new FioRun(
    { sim: ctx.sim, cpus: ctx.cpus, resolveFile: ctx.resolveFile, pageCache: ctx.pageCache, cpuNsPerIo: ctx.tools.fioCpuNsPerIo, source: w.source, warn: ctx.warn },
    w.text,
    w.source,
    w.firstLine,
    fioVariables(ctx, w.env),
    { defaults: w.defaults, sections: w.sections },
  );
  const done = fio.start();
  return { done, reports: () => fio.reports(), globalOptions: fio.globalOptions, interrupt: () => fio.interrupt(), fioShaped: true, dd: null, shell: null };
};

/** fio's $keywords and ${VAR}: the simulated machine's page size, CPUs and memory; the environment of the dmsim process. */
export function fioVariables(ctx: Pick<WorkloadContext, 'cpus' | 'scenario'>, env: Readonly<Record<string, string | undefined>> = process.env): JobFileVariables {
  const ram = pageCacheOptions(ctx.scenario.params).ram_mib ?? PAGE_CACHE_DEFAULTS.ram_mib;
  return { env, pagesize: PAGE_SIZE, ncpus: ctx.cpus?.cores.length ?? 1, mbMemory: Math.floor(ram) };
}

const startDd: Starter<'dd'> = (w, ctx) => {
  const sc = ctx.scenario;
  const where = { file: sc.file, line: ctx.source.lineOf(['workload', 'dd']) };
  let dd: DdRun;
  try {
    dd = new DdRun(
      { sim: ctx.sim, cpus: ctx.cpus, resolveFile: ctx.resolveFile, pageCache: ctx.pageCache, cpuNsPerIo: ctx.tools.ddCpuNsPerIo, copyNsPerByte: ctx.tools.ddCopyNsPerByte, source: sc.file, warn: ctx.warn },
      parseDdOperands(w.operands, sc.file),
    );
  } catch (err) {
    throw err instanceof InputError ? new InputError(err.reason, { ...where, field: `workload.dd.${err.field ?? ''}`.replace(/\.$/, '') }) : err;
  }
  const done = dd.start();
  return { done, reports: NONE, globalOptions: [], interrupt: () => dd.interrupt(), fioShaped: false, dd, shell: null };
};

const startShell: Starter<'shell'> = (w, ctx) => {
  const { done, shell } = startShellWorkload(w, {
    sim: ctx.sim,
    cpus: ctx.cpus,
    params: ctx.scenario.params,
    resolveFile: ctx.resolveFile,
    pageCache: ctx.pageCache,
    caches: ctx.caches,
    tools: ctx.tools,
    file: ctx.scenario.file,
    warn: ctx.warn,
  });
  // The shell has no partial report of its own: an interrupted run reports the commands done.
  return { done, reports: NONE, globalOptions: [], interrupt: () => {}, fioShaped: false, dd: null, shell };
};

const startTrace: Starter<'trace'> = (w, ctx) => {
  const dev = ctx.stack.resolve(w.device);
  if (dev === undefined) throw ctx.source.error(['workload', 'trace', 'device'], `no device, volume or target called '${w.device}'`);
  let text: string;
  try {
    text = fs.readFileSync(w.file, 'utf8');
  } catch (err) {
    throw ctx.source.error(['workload', 'trace', 'file'], `cannot read ${w.file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  let records;
  try {
    records = parseTrace(w.format, text, w.file, w.from);
  } catch (err) {
    // A `from` the trace never names is the scenario's mistake: located at its key.
    if (!(err instanceof InputError) || err.field !== 'from' || w.from === undefined) throw err;
    throw ctx.source.error(['workload', 'trace', 'from'], `${path.basename(w.file)}: ${err.reason}`);
  }
  // btreplay refuses a request past the end of the device; the replay wraps it (so a trace of
  // a larger disk still covers a smaller one), and says so.
  const past = beyondEnd(records, dev.sizeSectors);
  if (past.count > 0) {
    ctx.warn(`${past.count} of ${records.length} requests of ${path.basename(w.file)} reach past the end of ${w.device} (${dev.sizeSectors} sectors; the furthest ends at sector ${past.furthest}): replayed at their offset modulo the device's size`);
  }
  // A slow replay (speed 1e-9) stretches the trace beyond the clock's exact range.
  if (w.mode === 'timed' && !(records[records.length - 1].timeNs / w.speed <= MAX_TIME)) {
    throw ctx.source.error(['workload', 'trace', 'speed'], `at speed ${w.speed} the trace would last beyond the simulation's time range (2^53 ns, about 104 days)`);
  }
  const replay = new TraceReplay(ctx.sim, ctx.cpus, dev, records, w);
  const done = replay.start();
  return { done, reports: () => [replay.report()], globalOptions: [], interrupt: () => replay.interrupt(), fioShaped: true, dd: null, shell: null };
};

const STARTERS: { [Kind in WorkloadSpec['kind']]: Starter<Kind> } = { fio: startFio, dd: startDd, shell: startShell, trace: startTrace };

/** Builds and starts the scenario's workload on its stack. */
export function startWorkload(w: WorkloadSpec, ctx: WorkloadContext): StartedWorkload {
  return (STARTERS[w.kind] as Starter<WorkloadSpec['kind']>)(w as never, ctx);
}
