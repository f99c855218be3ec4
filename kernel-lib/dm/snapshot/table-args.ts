// What dm-snap.c's constructor reads after `<origin> <COW>`: the store type (`P`, `PO`, `N`:
// dm_exception_store_create) and the optional feature arguments (parse_snapshot_features:
// `<#feature args> [discard_zeroes_cow] [discard_passdown_origin]`). Shared by the snapshot
// and snapshot-merge targets, whose tables differ only in the target name.
import type { TargetArgs } from '../target-registry.js';

export interface SnapshotFeatures {
  /**
   * `PO` (store->userspace_supports_overflow): when a snapshot write finds the COW device
   * full, the snapshot is marked overflowed (new snapshot writes fail, reads still work,
   * status `Overflow`) instead of invalidated. An origin write that finds it full still
   * invalidates it (__origin_write calls invalidate_snapshot whatever the store says).
   */
  overflow: boolean;
  /** discard_zeroes_cow: a discard of a whole chunk that has an exception zeroes its COW chunk (kcopyd). */
  discardZeroesCow: boolean;
  /** discard_passdown_origin: the discard is also sent to the origin (a second clone, target_bio_nr 1). */
  discardPassdownOrigin: boolean;
}

export interface SnapshotStoreArgs extends SnapshotFeatures {
  kind: 'P' | 'N';
}

/** dm_exception_store_create's type word, then parse_snapshot_features, with the kernel's errors. */
export function parseSnapshotStoreArgs(args: TargetArgs): SnapshotStoreArgs {
  const word = args.word(2, 'P|N');
  const upper = word.toUpperCase();
  // The kernel reads the first letter for the type and accepts a second only as `PO`.
  if (upper !== 'P' && upper !== 'N' && upper !== 'PO') throw args.error(`<P|N> must be P (persistent), PO (persistent, overflow keeps the snapshot readable) or N (transient), got '${word}'`, 'P|N');
  const out: SnapshotStoreArgs = { kind: upper === 'N' ? 'N' : 'P', overflow: upper === 'PO', discardZeroesCow: false, discardPassdownOrigin: false };
  if (args.count <= 4) return out;
  // dm_read_arg_group with {0, 2, "Invalid number of feature arguments"}.
  const n = args.integer(4, '#feature args');
  if (n > 2) throw args.error(`Invalid number of feature arguments: ${n} (0 to 2)`, '#feature args');
  if (args.count !== 5 + n) throw args.error(`<#feature args> says ${n}, but ${args.count - 5} follow`, '#feature args');
  for (let i = 5; i < 5 + n; i++) {
    const f = args.word(i, 'feature').toLowerCase(); // strcasecmp
    if (f === 'discard_zeroes_cow') out.discardZeroesCow = true;
    else if (f === 'discard_passdown_origin') out.discardPassdownOrigin = true;
    else throw args.error(`Unrecognised feature requested: '${args.word(i, 'feature')}' (dm-snap knows discard_zeroes_cow, discard_passdown_origin)`, 'feature');
  }
  // "TODO: really these are disjoint.. but ti->num_discard_bios and dm_bio_get_target_bio_nr() require rigid constraints."
  if (out.discardPassdownOrigin && !out.discardZeroesCow) throw args.error('discard_passdown_origin feature depends on discard_zeroes_cow', 'feature');
  return out;
}

