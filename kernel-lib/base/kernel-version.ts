// Kernel versions as scenarios write them (`params.kernel: "2.6.21"`, "5.0", "6.x") and the
// era tables that turn a version into the defaults a kernel of that version had. Every layer
// keeps its own table (block/kernel-presets.ts, dm/kernel-presets.ts, ...) in this one shape:
// per parameter, the oldest value and then each historical change with the first version
// that has it, so a table reads like the changelog it was written from.
import { InputError } from './input-error.js';

/** [major, minor, patch]; "x" in a version means the newest (999). */
export type KernelVersion = readonly [number, number, number];

/** What a missing `kernel` stands for where a layer's default is "today's kernel". */
export const NEWEST_KERNEL: KernelVersion = [999, 0, 0];

const VERSION = /^(\d+)\.(\d+|x)(?:\.(\d+|x))?(?:[-+~.][0-9A-Za-z.+~-]*)?$/;

/** Parses "2.6.21", "5.0", "6.x", "6.8-rc1" into a comparable triple, or null. */
export function parseKernelVersion(kernel: string): KernelVersion | null {
  const m = VERSION.exec(kernel);
  if (m === null) return null;
  const part = (s: string | undefined) => (s === undefined ? 0 : s === 'x' ? 999 : Number(s));
  return [Number(m[1]), part(m[2]), part(m[3])];
}

/**
 * The version a scenario's `kernel` parameter names: undefined when it names none, an
 * InputError on the `kernel` field when it cannot be read.
 */
export function kernelVersionOf(kernel: unknown): KernelVersion | undefined {
  if (kernel === undefined) return undefined;
  const v = typeof kernel === 'string' ? parseKernelVersion(kernel) : null;
  if (v === null) throw new InputError(`expected a kernel version such as "2.6.21", "5.0" or "6.x", got ${JSON.stringify(kernel)}`, { field: 'kernel' });
  return v;
}

/** a < b: negative; a = b: 0; a > b: positive. */
export function compareKernelVersions(a: KernelVersion, b: KernelVersion): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Whether `v` is `since` or newer; `since` may be written as text ("2.6.26"). */
export function kernelAtLeast(v: KernelVersion, since: KernelVersion | string): boolean {
  const s = typeof since === 'string' ? parseKernelVersion(since) : since;
  if (s === null) throw new Error(`bad kernel version in an era table: ${JSON.stringify(since)}`);
  return compareKernelVersions(v, s) >= 0;
}

export type EraValue = string | number | boolean | undefined;

/** One parameter's history: its value in the oldest kernel modelled, then each change. */
export interface EraHistory {
  oldest: EraValue;
  steps: readonly { since: string; value: EraValue }[];
}

/** An era table: parameter name -> history (see the file comment). */
export type EraTable = Readonly<Record<string, EraHistory>>;

/** The value of every parameter of `table` in kernel `v`. */
export function eraValues(table: EraTable, v: KernelVersion): Record<string, EraValue> {
  const out: Record<string, EraValue> = {};
  for (const [key, h] of Object.entries(table)) {
    let value = h.oldest;
    for (const s of h.steps) if (kernelAtLeast(v, s.since)) value = s.value;
    out[key] = value;
  }
  return out;
}
