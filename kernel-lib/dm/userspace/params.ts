// dm-userspace's parameters (`userspace.*`): the three design changes of May 2006 as
// switches (the mail of 9 May 2006, docs/references.md#dm-userspace-2006), each changing its
// mechanism and nothing else.
//   remapCache: hash (the measured design: 2048 buckets, doubling) | list (the earlier store,
//               searched linearly; its exact form is not in the mail [R])
//   notify:     poll (the daemon sleeps in poll() on the control device) | sleep (no poll():
//               non-blocking reads, and a sleep between empty ones; cowd.sleepUs)
//   allocator:  slab (kmem caches for requests and remaps) | kmalloc (the general caches)
// and `remapLimit`: remaps the allocator gives before alloc_remap_atomic must steal the LRU
// one (0: memory never runs short, as on the measured machine).
import { InputError } from '../../base/input-error.js';
import type { ParamNamespace } from '../target-registry.js';

export type RemapCache = 'hash' | 'list';
export type Notify = 'poll' | 'sleep';
export type Allocator = 'slab' | 'kmalloc';

export interface UserspaceParams {
  remapCache: RemapCache;
  notify: Notify;
  allocator: Allocator;
  remapLimit: number;
}

export const USERSPACE_DEFAULTS: Readonly<UserspaceParams> = Object.freeze({ remapCache: 'hash', notify: 'poll', allocator: 'slab', remapLimit: 0 });

const CHOICES: Record<string, readonly string[]> = {
  remapCache: ['hash', 'list'],
  notify: ['poll', 'sleep'],
  allocator: ['slab', 'kmalloc'],
};

export const USERSPACE_PARAM_NAMES: readonly string[] = [...Object.keys(CHOICES), 'remapLimit'];

/** Reads `prefix.*` keys against choices and non-negative integers; errors name the key. */
export function parseNamespace<T>(
  params: Readonly<Record<string, unknown>>,
  prefix: string,
  defaults: Readonly<T>,
  choices: Record<string, readonly unknown[]>,
  integers: Record<string, { min: number; max: number }>,
): T {
  const out: Record<string, unknown> = { ...defaults };
  const known = [...Object.keys(choices), ...Object.keys(integers)];
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith(`${prefix}.`)) continue;
    const name = key.slice(prefix.length + 1);
    if (choices[name] !== undefined) {
      if (!choices[name].includes(value)) throw new InputError(`expected one of ${choices[name].map((c) => JSON.stringify(c)).join(', ')}, got ${JSON.stringify(value)}`, { field: key });
    } else if (integers[name] !== undefined) {
      const r = integers[name];
      if (!(Number.isInteger(value) && (value as number) >= r.min && (value as number) <= r.max)) {
        throw new InputError(`expected an integer in ${r.min}..${r.max}, got ${JSON.stringify(value)}`, { field: key });
      }
    } else {
      throw new InputError(`unknown ${prefix} parameter (known: ${known.join(', ')})`, { field: key });
    }
    out[name] = value;
  }
  return out as T;
}

export function parseUserspaceParams(params: Readonly<Record<string, unknown>>): UserspaceParams {
  return parseNamespace(params, 'userspace', USERSPACE_DEFAULTS, CHOICES, { remapLimit: { min: 0, max: 2 ** 31 } });
}

export const USERSPACE_PARAMS: ParamNamespace = { name: 'userspace', parse: parseUserspaceParams };
