// persistent-data's parameters (`pdata.*`).
//   commit       'blocking': today's commit (dm_tm_pre_commit + dm_tm_commit): every dirty
//                buffer written and flushed, then the superblock, through dm-bufio with the
//                era's locking, so writers that need the client lock or a locked block wait
//                for the commit I/O.
//                'cow': the alternative of the 2013 question: the commit freezes the
//                transaction's blocks (wipes the shadow set, so later changes shadow them
//                into new blocks), writes exactly those out without holding the client lock
//                across any wait, flushes, and only the superblock switch is serialized.
//   btreeSplit   'sibling' (btree_split_sibling, to 5.x) or 'rebalance' (2021 "improve
//                btree residency": rebalance with a sibling, two-into-three) [R version].
//   commitFlush  true (every kernel): the device cache is flushed between a commit's blocks
//                and its superblock. false skips that flush: a deliberately broken order, for
//                study only (power cuts then leave superblocks naming blocks that never
//                reached the media; docs/power-cut.md).
import { InputError } from '../../base/input-error.js';
import { eraValues, kernelVersionOf, NEWEST_KERNEL, type EraTable } from '../../base/kernel-version.js';
import type { ParamNamespace } from '../target-registry.js';
import type { BtreeSplit } from './btree.js';

export type CommitMode = 'blocking' | 'cow';

export interface PdataParams {
  commit: CommitMode;
  btreeSplit: BtreeSplit;
  /** For study only: false skips the flush between a commit's blocks and its superblock. */
  commitFlush: boolean;
}

export const PDATA_ERAS: EraTable = {
  'pdata.btreeSplit': { oldest: 'sibling', steps: [{ since: '5.14', value: 'rebalance' }] },
};

const CHOICES: Record<string, readonly unknown[]> = {
  commit: ['blocking', 'cow'],
  btreeSplit: ['sibling', 'rebalance'],
  commitFlush: [true, false],
};

export const PDATA_PARAM_NAMES: readonly string[] = Object.keys(CHOICES);

export function parsePdataParams(params: Readonly<Record<string, unknown>>): PdataParams {
  const era = eraValues(PDATA_ERAS, kernelVersionOf(params.kernel) ?? NEWEST_KERNEL);
  const out: Record<string, unknown> = { commit: 'blocking', commitFlush: true };
  for (const [k, v] of Object.entries(era)) out[k.slice('pdata.'.length)] = v;
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith('pdata.')) continue;
    const name = key.slice('pdata.'.length);
    const choices = CHOICES[name];
    if (choices === undefined) throw new InputError(`unknown pdata parameter (known: ${PDATA_PARAM_NAMES.join(', ')})`, { field: key });
    if (!choices.includes(value)) {
      throw new InputError(`expected one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, got ${JSON.stringify(value)}`, { field: key });
    }
    out[name] = value;
  }
  return out as unknown as PdataParams;
}

/** `pdata.*`, read by every target whose metadata is persistent-data btrees. */
export const PDATA_PARAMS: ParamNamespace = { name: 'pdata', parse: (params) => parsePdataParams(params) };
