// The snapshot-merge target (dm-snap.c, merge_target_type): `<origin> <COW> P|PO <chunk>
// [<#feature args> [<arg>]*]`, the snapshot's table with the type changed, which copies the
// snapshot's exceptions back into the origin while serving I/O. Its table is read as the
// kernel reads it (the same checks as the snapshot target's), then refused: merging is not
// modelled.
import { registerTarget, type DmTarget, type TargetArgs, type TargetContext } from '../target-registry.js';
import type { TableLine } from '../table.js';
import { parseSnapshotStoreArgs } from '../snapshot/table-args.js';

function snapshotMergeCtr(_ctx: TargetContext, _line: TableLine, args: TargetArgs): DmTarget {
  args.expectCount(4, Infinity, ['origin dev', 'COW dev', 'P|N', 'chunk size']);
  args.device(0, 'origin dev');
  args.device(1, 'COW dev');
  const kind = parseSnapshotStoreArgs(args).kind;
  // snapshot_ctr with the merge type: only a persistent store can be merged.
  if (kind === 'N') throw args.error('a transient (N) snapshot cannot be merged: snapshot-merge needs a persistent store (P)', 'P|N');
  args.integer(3, 'chunk size');
  throw args.error('snapshot-merge (copying a snapshot\'s exceptions back into its origin) is not modelled', 'target');
}

registerTarget({ name: 'snapshot-merge', ctr: snapshotMergeCtr });
