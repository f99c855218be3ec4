// dm-bufio's parameters (`bufio.*` in a scenario's params) and their kernel eras. Precedence:
// an explicit parameter, then the era of `kernel`, then today's kernel.
//
//   version   change                                                          source
//   3.2       dm-bufio merged: the client mutex is taken for every operation and
//             write_dirty_buffers submits its writes holding it              [S B-3]
//   3.15      writes are gathered on a write_list under the lock and submitted
//             outside it, in a plug (__flush_write_list)                     [S pre-6.4; version R]
//   4.18      background writeback when dirty > DM_BUFIO_WRITEBACK_RATIO (3) x clean;
//             before: when dirty > DM_BUFIO_WRITEBACK_PERCENT (75) % of the
//             client's share of the cache                                    [S constants; version R]
//   6.4       "dm bufio: improve concurrency": cache hits take one of up to 64 sharded
//             rw-semaphores, not the client lock; LRU becomes a clock         [S B-6, D]
// Era names of `bufio.locking` are the first version of each era; any `kernel` maps to one.
import { InputError } from '../../base/input-error.js';
import { eraValues, kernelVersionOf, NEWEST_KERNEL, type EraTable } from '../../base/kernel-version.js';
import type { ParamNamespace } from '../target-registry.js';

export type BufioLocking = '3.2' | '3.15' | '6.4';
export type BufioWriteback = 'percent' | 'ratio';

export interface BufioParams {
  /** Which dm-bufio locking era (see the file comment). */
  locking: BufioLocking;
  /** Background writeback predicate of __check_watermark. */
  writeback: BufioWriteback;
  /**
   * The client's share of dm_bufio_cache_size, in buffers. The kernel's default cache is 2 %
   * of low memory (DM_BUFIO_MEMORY_PERCENT) shared by all clients: 20480 4 KiB buffers is
   * 2 % of 4 GiB for one client [R: a plausible machine, not a measured one].
   */
  cacheBlocks: number;
  /** Online CPUs, which size the 6.4 shard table: min(2 x roundup_pow2(cpus), 64). */
  cpus: number;
}

export const BUFIO_ERAS: EraTable = {
  'bufio.locking': {
    oldest: '3.2',
    steps: [
      { since: '3.15', value: '3.15' },
      { since: '6.4', value: '6.4' },
    ],
  },
  'bufio.writeback': { oldest: 'percent', steps: [{ since: '4.18', value: 'ratio' }] },
};

const CHOICES: Record<string, readonly string[]> = {
  locking: ['3.2', '3.15', '6.4'],
  writeback: ['percent', 'ratio'],
};

const NUMBERS: Record<string, { min: number; max: number }> = {
  cacheBlocks: { min: 8, max: 1 << 26 }, // DM_BUFIO_MIN_BUFFERS = 8
  cpus: { min: 1, max: 4096 },
};

const FIXED_DEFAULTS = { cacheBlocks: 20480, cpus: 2 };

export const BUFIO_PARAM_NAMES: readonly string[] = [...Object.keys(CHOICES), ...Object.keys(NUMBERS)];

/** Reads `bufio.*`; errors are InputErrors whose field is the key. */
export function parseBufioParams(params: Readonly<Record<string, unknown>>): BufioParams {
  const era = eraValues(BUFIO_ERAS, kernelVersionOf(params.kernel) ?? NEWEST_KERNEL);
  const out: Record<string, unknown> = { ...FIXED_DEFAULTS };
  for (const [k, v] of Object.entries(era)) out[k.slice('bufio.'.length)] = v;
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith('bufio.')) continue;
    const name = key.slice('bufio.'.length);
    const choices = CHOICES[name];
    const num = NUMBERS[name];
    if (choices !== undefined) {
      // "3.2" written unquoted in YAML is the number 3.2: accept it as the era it names.
      const text = typeof value === 'number' ? String(value) : value;
      if (!choices.includes(text as string)) {
        throw new InputError(`expected one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, got ${JSON.stringify(value)}`, { field: key });
      }
      out[name] = text;
      continue;
    }
    if (num !== undefined) {
      if (!(typeof value === 'number' && Number.isInteger(value) && value >= num.min && value <= num.max)) {
        throw new InputError(`expected an integer in ${num.min}..${num.max}, got ${JSON.stringify(value)}`, { field: key });
      }
      out[name] = value;
      continue;
    }
    throw new InputError(`unknown bufio parameter (known: ${BUFIO_PARAM_NAMES.join(', ')})`, { field: key });
  }
  return out as unknown as BufioParams;
}

/** `bufio.*`, read by every target whose metadata goes through dm-bufio. */
export const BUFIO_PARAMS: ParamNamespace = { name: 'bufio', parse: (params) => parseBufioParams(params) };
