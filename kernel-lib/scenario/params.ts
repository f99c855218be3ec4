// Model parameters (`params:` in a scenario, `--set` on the command line, the non-`scenario`
// parameters of a sweep), by dotted path. This file knows which paths exist:
// - `kernel`: an era preset ("2.6.21", "5.4", "6.8") for the block layer's defaults;
// - `block.*`: the block layer's knobs (checked by the block layer's parseBlockOptions);
// - `cpu.*`: the machine's CPUs; `fio.*`, `dd.*`: the workload tools' own costs;
// - `pagecache.*`: the page cache (vm.dirty_ratio and friends, RAM) buffered I/O goes through;
// - the namespaces of device-mapper targets (`kcopyd.*`, `snapshot.*`, ...), checked by the
//   targets that read them; `kcopyd.*` and `snapshot.*` are also checked here, with the dm
//   layer's own parsers, so that a mistake fails even in a stack without a snapshot.
// Anything else is an unknown parameter, reported with its path.
import { describeValue } from '../base/describe-value.js';
import { PAGE_CACHE_2_6_21, PAGE_CACHE_DEFAULTS, type PageCacheOptions } from '../block/page-cache.js';
import { InputError } from '../base/input-error.js';
import { MAX_CORES } from '../sim/cpu.js';
import { parseKcopydParams } from '../dm/kcopyd/params.js';
import { parseSnapshotParams } from '../dm/snapshot/params.js';
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
const nonNegative: Check = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : 'a number >= 0');
const machineCores: Check = (v) => (Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= MAX_CORES ? null : `an integer from 1 to ${MAX_CORES} (NR_CPUS)`);

/** Exact parameters this layer owns, with their defaults. */
const OWN: Record<string, { check: Check; dflt: unknown; doc: string }> = {
  kernel: { check: (v) => (typeof v === 'string' && /^\d+\.\d+/.test(v) ? null : 'a kernel version string such as "2.6.21"'), dflt: undefined, doc: 'era preset for block-layer defaults' },
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
 * Namespaces whose keys the block layer and the device-mapper targets check themselves. A
 * target type that reads parameters adds its namespace here.
 */
export const DELEGATED_NAMESPACES = ['block', 'dm', 'kcopyd', 'snapshot', 'clone', 'dedup', 'vdo', 'userspace', 'bufio', 'cowd'];

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
      const name = key.slice('pagecache.'.length);
      if (!Object.hasOwn(PAGE_CACHE_DEFAULTS, name)) {
        throw new ParamError(key, `unknown page-cache parameter (known: ${Object.keys(PAGE_CACHE_DEFAULTS).join(', ')})`);
      }
      const dflt = PAGE_CACHE_DEFAULTS[name as keyof PageCacheOptions];
      if (typeof value !== typeof dflt || (typeof value === 'number' && !(value >= 0))) {
        throw new ParamError(key, `expected a ${typeof dflt}${typeof dflt === 'number' ? ' >= 0' : ''}, got ${describeValue(value)}`);
      }
      continue;
    }
    if (key.includes('.') && DELEGATED_NAMESPACES.includes(ns)) continue;
    throw new ParamError(
      key,
      `unknown parameter (known: ${Object.keys(OWN).join(', ')}, and pagecache.*, ${DELEGATED_NAMESPACES.map((n) => `${n}.*`).join(', ')})`,
    );
  }
  checkDmParams(params);
  const get = (k: string) => (params[k] ?? OWN[k].dflt) as number;
  const preemption = params['cpu.wakeup_preemption'];
  return {
    machine: {
      cores: get('cpu.cores'),
      contextSwitchNs: get('cpu.context_switch_ns'),
      wakeupNs: get('cpu.wakeup_ns'),
      wakeupPreemption: typeof preemption === 'boolean' ? preemption : isCfsKernel(params.kernel),
    },
    tools: { fioCpuNsPerIo: get('fio.cpu_ns_per_io'), ddCpuNsPerIo: get('dd.cpu_ns_per_io'), ddCopyNsPerByte: get('dd.copy_ns_per_byte') },
  };
}

/**
 * The delegated namespaces whose parsers do not need a built target: run them whenever one
 * of their keys is given (the target would run the same parser, with the same message, when
 * it is built).
 */
const DM_PARSERS: readonly [string, (p: Readonly<Record<string, unknown>>) => unknown][] = [
  ['kcopyd', parseKcopydParams],
  ['snapshot', parseSnapshotParams],
];

function checkDmParams(params: Readonly<Record<string, unknown>>): void {
  const keys = Object.keys(params);
  for (const [ns, parse] of DM_PARSERS) {
    if (!keys.some((k) => k.startsWith(`${ns}.`))) continue;
    try {
      parse(params);
    } catch (err) {
      if (err instanceof InputError) throw new ParamError(err.field ?? ns, err.reason);
      throw err;
    }
  }
}

/** CFS (and its wakeup preemption) replaced the O(1) scheduler in 2.6.23; no era means modern. */
function isCfsKernel(kernel: unknown): boolean {
  if (typeof kernel !== 'string') return true;
  const [major, minor, patch] = kernel.split('.').map((x) => Number.parseInt(x, 10));
  if (major !== 2) return major > 2 || Number.isNaN(major);
  if (minor !== 6) return minor > 6;
  return (patch ?? 0) >= 23;
}

/** The parameters under a namespace, without its prefix ({'block.nr_requests': 1} -> {nr_requests: 1}). */
export function paramsUnder(params: Readonly<Record<string, unknown>>, ns: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (k.startsWith(`${ns}.`)) out[k.slice(ns.length + 1)] = v;
  return out;
}

const STRUCTURE_KEYS = ['seed', 'description', 'devices', 'volumes', 'targets', 'workload', 'params'];

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

/**
 * The page cache's options: the era's defaults (2.6.21 and before: dirty_ratio 40, the 2.6
 * throttle, no flush on fsync; before 3.2 the 2.6 throttle), then `pagecache.*`.
 */
export function pageCacheOptions(params: Readonly<Record<string, unknown>>): Partial<PageCacheOptions> {
  let preset: Partial<PageCacheOptions> = {};
  const m = typeof params.kernel === 'string' ? /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(params.kernel) : null;
  if (m !== null) {
    const v = Number(m[1]) * 1e6 + Number(m[2]) * 1e3 + Number(m[3] ?? 0);
    if (v < 2_006_022) preset = PAGE_CACHE_2_6_21;
    else if (v < 3_002_000) preset = { throttle: '2.6' };
  }
  return { ...preset, ...(paramsUnder(params, 'pagecache') as Partial<PageCacheOptions>) };
}
