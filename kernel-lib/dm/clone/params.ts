// dm-clone's model parameters (`clone.*`). The table line carries what the kernel's
// constructor takes (features, hydration_threshold, hydration_batch_size); these are the
// historical alternative and the model's costs:
//   preCommitFlush  commit_metadata as 5.5 has it ("dm clone: Flush destination device before
//                   committing metadata"): swap the dirty bitmaps (pre-commit), flush the
//                   destination device, then write the metadata, so no region is recorded as
//                   hydrated before its data is on stable media. Off: 5.4's commit, which
//                   writes the metadata of every region hydrated so far with no flush of the
//                   destination first [R: the first release with it; backported to 5.4.y].
//   memoryPressure  every slab allocation of a hydration descriptor fails, so the mempool's
//                   MIN_HYDRATIONS = 256 reserve is all there is and a hydration beyond it
//                   waits for one to finish (hydration-pool.ts). Off: the slab never fails.
//   mapNs           CPU of clone_map besides the block layer (bitmap test, remap) [R: plausible,
//                   not measured];
//   bucketNs        CPU under a hydration hash bucket's spinlock per lookup/insert/remove.
import { InputError } from '../../base/input-error.js';
import { eraValues, kernelVersionOf, NEWEST_KERNEL, type EraTable } from '../../base/kernel-version.js';
import type { ParamNamespace } from '../target-registry.js';

export interface CloneParams {
  preCommitFlush: boolean;
  memoryPressure: boolean;
  mapNs: number;
  bucketNs: number;
}

export const CLONE_ERAS: EraTable = {
  'clone.preCommitFlush': { oldest: false, steps: [{ since: '5.5', value: true }] },
};

const NUMBERS: Record<string, { min: number; max: number }> = {
  mapNs: { min: 0, max: 1e6 },
  bucketNs: { min: 0, max: 1e6 },
};

export const CLONE_PARAM_NAMES: readonly string[] = ['preCommitFlush', 'memoryPressure', ...Object.keys(NUMBERS)];

export function parseCloneParams(params: Readonly<Record<string, unknown>>): CloneParams {
  const era = eraValues(CLONE_ERAS, kernelVersionOf(params.kernel) ?? NEWEST_KERNEL);
  const out: CloneParams = { preCommitFlush: era['clone.preCommitFlush'] as boolean, memoryPressure: false, mapNs: 300, bucketNs: 100 };
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith('clone.')) continue;
    const name = key.slice('clone.'.length);
    if (name === 'preCommitFlush' || name === 'memoryPressure') {
      if (typeof value !== 'boolean') throw new InputError(`expected true or false, got ${JSON.stringify(value)}`, { field: key });
      out[name] = value;
      continue;
    }
    const num = NUMBERS[name];
    if (num === undefined) throw new InputError(`unknown clone parameter (known: ${CLONE_PARAM_NAMES.join(', ')})`, { field: key });
    if (!(typeof value === 'number' && Number.isFinite(value) && value >= num.min && value <= num.max)) {
      throw new InputError(`expected a number in ${num.min}..${num.max}, got ${JSON.stringify(value)}`, { field: key });
    }
    (out as unknown as Record<string, number>)[name] = value;
  }
  return out;
}

export const CLONE_PARAMS: ParamNamespace = { name: 'clone', parse: (params) => parseCloneParams(params) };
