// kcopyd's parameters (`kcopyd.*` in a scenario's params), each with the kernel era it belongs
// to. Precedence: an explicit parameter, then what the client asked for (dm-snapshot's
// SNAPSHOT_PAGES), then the era preset of `kernel` (../era.ts).
import { InputError } from '../../base/input-error.js';
import { eraDefaultsOf } from '../kernel-presets.js';
import type { ParamNamespace } from '../target-registry.js';

export type Requeue = 'tail' | 'head';
export type Threading = 'global' | 'per-client' | 'per-cpu';
export type PagePoolKind = 'hard' | 'reserve';
export type Offload = 'none' | 'device';

export interface KcopydParams {
  /**
   * Where a job that found no free pages goes back on the pages list: `tail` (list_add_tail,
   * up to about 2.6.30: the "queue shuffle") or `head` (push_head, later). Either way nothing
   * behind it is tried in that pass.
   */
  requeue: Requeue;
  /**
   * `global`: one kcopyd thread and one set of job lists for the whole machine (before
   * 2.6.26); `per-client`: one worker per client (2.6.26 on); `per-cpu`: the 2022 redesign,
   * job lists and worker per CPU so that I/O is submitted and completed on the CPU that asked
   * for the copy (callbacks serialized only when the client asks: a persistent snapshot).
   */
  threading: Threading;
  /**
   * The work item's workqueue: `false`, one dedicated thread that floats over the CPUs
   * (create_singlethread_workqueue: the global kcopyd, and the per-client one from 2.6.26);
   * `true`, a bound workqueue (alloc_workqueue(WQ_MEM_RECLAIM), about 3.1 on [R]): the item
   * runs on the CPU that queued it, or on the one it is running on when re-queued. The per-CPU
   * design is always bound.
   */
  bound: boolean;
  /**
   * `hard`: the client's preallocated pages and nothing else (all-or-nothing, no allocator
   * fallback; before about 3.1); `reserve`: the page allocator first, the reserve only when it
   * fails (modern; the allocator fails only with `memoryPressure`).
   */
  pool: PagePoolKind;
  /** Pages of the hard pool or of the reserve; 0 = what the client asks for (one sub-job's worth by default). */
  pages: number;
  /** Sub-job size (64 KiB old, 512 KiB modern; module parameter kcopyd_subjob_size_kb, at most 1024). */
  subJobKiB: number;
  /** REQ_SYNC on kcopyd's bios (2.6 era; removed early in the 2010s). */
  syncIo: boolean;
  /** dm_kcopyd_throttle percentage: 100 = unthrottled (the default of every client). */
  throttle: number;
  /** With `reserve`: the allocator fails, so only the reserve serves (memory pressure). */
  memoryPressure: boolean;
  /** `device`: copy offload, the device copies internally; no pages, no data through the host. */
  offload: Offload;
  /** Offload: fixed time per copy command (submission, device-side setup), µs. */
  offloadLatencyUs: number;
  /** Offload: the device's internal copy rate, MB/s. */
  offloadMBps: number;
}

const CHOICES: Record<string, readonly (string | boolean)[]> = {
  requeue: ['tail', 'head'],
  threading: ['global', 'per-client', 'per-cpu'],
  pool: ['hard', 'reserve'],
  offload: ['none', 'device'],
  syncIo: [true, false],
  memoryPressure: [true, false],
  bound: [true, false],
};

const NUMBERS: Record<string, { min: number; max: number; integer: boolean }> = {
  pages: { min: 0, max: 1 << 20, integer: true },
  subJobKiB: { min: 4, max: 1024, integer: true },
  throttle: { min: 1, max: 100, integer: true },
  offloadLatencyUs: { min: 0, max: 1e9, integer: false },
  offloadMBps: { min: 1e-3, max: 1e9, integer: false },
};

const FIXED_DEFAULTS = {
  pages: 0,
  throttle: 100,
  memoryPressure: false,
  offload: 'none',
  offloadLatencyUs: 20,
  offloadMBps: 2000,
} as const;

export const KCOPYD_PARAM_NAMES: readonly string[] = [...Object.keys(CHOICES), ...Object.keys(NUMBERS)];

/**
 * Reads `kcopyd.*` from a scenario's params. `requestedPages` is the client's own nr_pages
 * (used when `kcopyd.pages` is not given). Errors are InputErrors naming the parameter.
 */
export function parseKcopydParams(params: Readonly<Record<string, unknown>>, requestedPages = 0): KcopydParams {
  const era: Record<string, unknown> = eraDefaultsOf(params);
  const out: Record<string, unknown> = { ...FIXED_DEFAULTS, pages: requestedPages };
  for (const [k, v] of Object.entries(era)) if (k.startsWith('kcopyd.')) out[k.slice(7)] = v;
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith('kcopyd.')) continue;
    const name = key.slice(7);
    const choices = CHOICES[name];
    const num = NUMBERS[name];
    if (choices !== undefined) {
      if (!choices.includes(value as string)) {
        throw new InputError(`expected one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, got ${JSON.stringify(value)}`, { field: key });
      }
    } else if (num !== undefined) {
      const ok = typeof value === 'number' && value >= num.min && value <= num.max && (!num.integer || Number.isInteger(value));
      if (!ok) throw new InputError(`expected ${num.integer ? 'an integer' : 'a number'} in ${num.min}..${num.max}, got ${JSON.stringify(value)}`, { field: key });
    } else {
      throw new InputError(`unknown kcopyd parameter (known: ${KCOPYD_PARAM_NAMES.join(', ')})`, { field: key });
    }
    out[name] = value;
  }
  return out as unknown as KcopydParams;
}

/** `kcopyd.*`, read by every target type that copies through kcopyd. */
export const KCOPYD_PARAMS: ParamNamespace = { name: 'kcopyd', parse: (params) => parseKcopydParams(params) };
