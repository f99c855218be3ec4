// Model parameters (`params:` in a scenario, `--set` on the command line, the non-`scenario`
// parameters of a sweep), by dotted path. This file knows which paths exist:
// - `kernel`: an era preset ("2.6.21", "5.4", "6.8") for the block layer's defaults;
// - `block.*`: the block layer's knobs (checked by the block layer's parseBlockOptions);
// - `cpu.*`: the machine's CPUs; `fio.*`, `dd.*`: the workload tools' own costs;
// - `pagecache.*`: the page cache (vm.dirty_ratio and friends, RAM) buffered I/O goes through;
// - `fs.*`: the file-system layer (ext2/ext3, jbd: fs.commitIntervalS, fs.barrier, ...), checked
//   by fs/options.ts;
// - the parameter namespaces device-mapper's target types register (`kcopyd.*`,
//   `snapshot.*`, ...: dm's paramNamespaces()), checked here with the target type's own
//   parser, so that a mistake fails even in a stack without that target; a namespace no
//   registered target reads (`clone.*` before a clone target exists) is unknown.
// Anything else is an unknown parameter, reported with its path.
import { pageCacheDefaultsForKernel } from '../block/kernel-presets.js';
import { parsePageCacheOptions, type PageCacheOptions } from '../block/page-cache.js';
import { InputError } from '../base/input-error.js';
import { eraValues, kernelVersionOf, type EraTable } from '../base/kernel-version.js';
import { paramNamespaces } from '../dm/index.js';
import { parseFsParams } from '../fs/options.js';
import { describeValue } from '../base/describe-value.js';
import { MAX_CORES } from '../sim/cpu.js';
import { unsafeSegment, UNSAFE_KEY_REASON } from './key-safety.js';
import type { KeyPath } from './load.js';

export interface MachineParams {
  cores: number;
  contextSwitchNs: number;
  wakeupNs: number;
  wakeupPreemption: boolean;
}

export interface ToolParams {
  /** fio's user-space work per I/O: io_u setup, syscall entry and exit (ns). */
  fioCpuNsPerIo: number;
  ddCpuNsPerIo: number;
  /** dd's memset/memcpy cost per byte copied (ns). */
  ddCopyNsPerByte: number;
}

type Check = (v: unknown) => string | null;
const checkKernel: Check = (v) => {
  try {
    kernelVersionOf(v);
    return null;
  } catch {
    return 'a kernel version such as "2.6.21", "5.0" or "6.x"';
  }
};
const nonNegative: Check = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : 'a number >= 0');
const machineCores: Check = (v) => (Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= MAX_CORES ? null : `an integer from 1 to ${MAX_CORES} (NR_CPUS)`);

/** Exact parameters this layer owns, with their defaults. */
const OWN: Record<string, { check: Check; dflt: unknown; doc: string }> = {
  kernel: { check: checkKernel, dflt: undefined, doc: 'era preset: the defaults of that kernel version in every layer (block, page cache, CPU scheduler, dm)' },
  'cpu.cores': { check: machineCores, dflt: 4, doc: 'CPU cores of the simulated machine' },
  'cpu.context_switch_ns': { check: nonNegative, dflt: 1000, doc: 'cost of switching a core to another thread' },
  'cpu.wakeup_ns': { check: nonNegative, dflt: 1500, doc: 'latency of waking a thread onto an idle core (IPI, idle exit); a thread that waited for a busy core pays only the context switch' },
  'cpu.wakeup_preemption': {
    check: (v) => (typeof v === 'boolean' ? null : 'true or false'),
    dflt: undefined,
    doc: 'CFS wakeup preemption (default: on from 2.6.23, the first CFS kernel; off for older eras)',
  },
  'fio.cpu_ns_per_io': { check: nonNegative, dflt: 1000, doc: "fio's user-space and syscall cost per I/O" },
  'dd.cpu_ns_per_io': { check: nonNegative, dflt: 2000, doc: "dd's syscall cost per read or write" },
  'dd.copy_ns_per_byte': { check: nonNegative, dflt: 0.25, doc: "dd's memory copy cost per byte (4 GB/s)" },
};

/**
 * Namespaces whose keys another layer checks: the block layer's (when a device is built) and
 * the ones device-mapper's target types register (checked below with their parsers).
 */
export function delegatedNamespaces(): string[] {
  return ['block', ...paramNamespaces().map((ns) => ns.name)];
}

export class ParamError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** Checks every key; returns the parameters of this layer with defaults filled in. */
export function checkParams(params: Readonly<Record<string, unknown>>): { machine: MachineParams; tools: ToolParams } {
  for (const [key, value] of Object.entries(params)) {
    const own = OWN[key];
    if (own !== undefined) {
      const problem = own.check(value);
      if (problem !== null) throw new ParamError(key, `expected ${problem}, got ${describeValue(value)}`);
      continue;
    }
    const ns = key.split('.')[0];
    if (ns === 'pagecache') {
      // The page cache's own validator, so that a value is checked as strictly here as when
      // the cache is built (`pagecache.throttle: foo` is an error, not a silent default).
      try {
        parsePageCacheOptions({ [key.slice('pagecache.'.length)]: value }, 'pagecache');
      } catch (err) {
        const m = /^(pagecache\.[^:]*): (.*)$/s.exec((err as Error).message);
        throw new ParamError(m?.[1] ?? key, m?.[2] ?? (err as Error).message);
      }
      continue;
    }
    if (ns === 'fs') {
      // The file-system layer's own validator (fs/options.ts), naming fs.key.
      try {
        parseFsParams({ [key.slice('fs.'.length)]: value });
      } catch (err) {
        if (err instanceof InputError) throw new ParamError(err.field ?? key, err.reason);
        throw err;
      }
      continue;
    }
    const delegated = delegatedNamespaces();
    if (key.includes('.') && delegated.includes(ns)) continue;
    throw new ParamError(key, `unknown parameter (known: ${Object.keys(OWN).join(', ')}, and pagecache.*, fs.*, ${delegated.map((n) => `${n}.*`).join(', ')})`);
  }
  checkDmParams(params);
  const get = (k: string) => (params[k] ?? OWN[k].dflt) as number;
  const preemption = params['cpu.wakeup_preemption'];
  return {
    machine: {
      cores: get('cpu.cores'),
      contextSwitchNs: get('cpu.context_switch_ns'),
      wakeupNs: get('cpu.wakeup_ns'),
      wakeupPreemption: typeof preemption === 'boolean' ? preemption : machineEra(params.kernel).wakeup_preemption === true,
    },
    tools: { fioCpuNsPerIo: get('fio.cpu_ns_per_io'), ddCpuNsPerIo: get('dd.cpu_ns_per_io'), ddCopyNsPerByte: get('dd.copy_ns_per_byte') },
  };
}

/**
 * Runs the parser of every registered dm namespace one of whose keys is given (the target
 * runs the same parser, with the same message, when it is built).
 */
function checkDmParams(params: Readonly<Record<string, unknown>>): void {
  const keys = Object.keys(params);
  for (const { name: ns, parse } of paramNamespaces()) {
    if (!keys.some((k) => k.startsWith(`${ns}.`))) continue;
    try {
      parse(params);
    } catch (err) {
      if (err instanceof InputError) throw new ParamError(err.field ?? ns, err.reason);
      throw err;
    }
  }
}

/**
 * The machine's era table: CFS (and its wakeup preemption) replaced the O(1) scheduler in
 * 2.6.23. No `kernel` means today's kernel.
 */
const MACHINE_ERAS: EraTable = {
  wakeup_preemption: { oldest: false, steps: [{ since: '2.6.23', value: true }] },
};

function machineEra(kernel: unknown) {
  const v = kernelVersionOf(kernel);
  return v === undefined ? { wakeup_preemption: true } : eraValues(MACHINE_ERAS, v);
}

/** The parameters under a namespace, without its prefix ({'block.nr_requests': 1} -> {nr_requests: 1}). */
export function paramsUnder(params: Readonly<Record<string, unknown>>, ns: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (k.startsWith(`${ns}.`)) out[k.slice(ns.length + 1)] = v;
  return out;
}

const STRUCTURE_KEYS = ['seed', 'description', 'devices', 'volumes', 'targets', 'workload', 'params', 'vars', 'stack', 'stacks'];

/**
 * Applies overrides by dotted path to the raw scenario data: a path starting with a scenario
 * key (`seed`, `devices.sda.overrides.rpm`, `params.block.nr_requests`) is set there; any
 * other path is a model parameter (`block.nr_requests` = `params.block.nr_requests`).
 * Returns the paths set, for error messages.
 */
export function applyOverrides(data: unknown, set: Readonly<Record<string, unknown>>): KeyPath[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return [];
  const root = data as Record<string, unknown>;
  const paths: KeyPath[] = [];
  for (const [key, value] of Object.entries(set)) {
    checkOverridePath(key);
    const parts = key.split('.');
    if (!STRUCTURE_KEYS.includes(parts[0])) {
      const params = (root.params ??= {}) as Record<string, unknown>;
      // Kept flat (the schema flattens nested params the same way); a nested spelling of the
      // same key in the file would clash with it, so it goes.
      deletePath(params, parts);
      params[key] = value;
      paths.push(['params', key]);
      continue;
    }
    let node = root;
    parts.slice(0, -1).forEach((part, depth) => {
      const next = node[part];
      // `devices.sdb.rpm` on a device written as a bare profile name: spell it out first.
      if (depth === 1 && parts[0] === 'devices' && typeof next === 'string') node[part] = { profile: next };
      else if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
      node = node[part] as Record<string, unknown>;
    });
    node[parts[parts.length - 1]] = value;
    paths.push(parts);
  }
  return paths;
}

/** A --set path must name data: no empty segments, no prototype keys. */
function checkOverridePath(key: string): void {
  const where = { file: '--set', field: key };
  if (key.split('.').some((part) => part === '')) throw new InputError('a dotted path with an empty part', where);
  const bad = unsafeSegment(key);
  if (bad !== undefined) throw new InputError(UNSAFE_KEY_REASON(bad), where);
}

function deletePath(o: Record<string, unknown>, parts: string[]): void {
  if (parts.length < 2) return;
  const head = o[parts[0]];
  if (typeof head !== 'object' || head === null) return;
  if (parts.length === 2) delete (head as Record<string, unknown>)[parts[1]];
  else deletePath(head as Record<string, unknown>, parts.slice(1));
}

/** The page cache's options: the era's defaults (block/kernel-presets.ts), then `pagecache.*`. */
export function pageCacheOptions(params: Readonly<Record<string, unknown>>): Partial<PageCacheOptions> {
  const v = kernelVersionOf(params.kernel);
  return { ...(v === undefined ? {} : pageCacheDefaultsForKernel(v)), ...(paramsUnder(params, 'pagecache') as Partial<PageCacheOptions>) };
}
