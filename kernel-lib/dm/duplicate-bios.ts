// num_flush_bios / num_discard_bios: dm core sends a target several clones of one bio
// (__send_duplicate_bios in dm.c: one per stripe for a striped flush, one to the origin and
// one to the COW for snapshot-merge's flush and discard_passdown_origin's discard), and the
// original completes when the last clone has (dec_pending), with the first error any saw.
// The model maps the one clone it is given and makes the duplicates in the target; this is
// their shared completion, so each target only says where its duplicates go.
import type { Bio } from '../block/bio.js';
import type { Simulation } from '../sim/index.js';

/** The bio the duplicates stand for, how many are still out, and the first error. */
export class DuplicateBios {
  status: string | null = null;
  constructor(
    readonly sim: Simulation,
    readonly parent: Bio,
    public remaining: number,
  ) {}
}

/** bi_end_io of a duplicate: the parent ends with the last one, carrying the first error. */
export function duplicateBioEndIo(child: Bio): void {
  const d = child.private as DuplicateBios;
  if (d.status === null) d.status = child.status;
  if (--d.remaining === 0) d.parent.endio(d.sim, d.status);
}

/** Two duplicates of `bio` (same op, range and flags), for the target to remap and submit or end. */
export function bioPair(sim: Simulation, bio: Bio): [Bio, Bio] {
  const d = new DuplicateBios(sim, bio, 2);
  return [bio.child(bio.op, bio.sector, bio.sectors, bio.flags, d, duplicateBioEndIo), bio.child(bio.op, bio.sector, bio.sectors, bio.flags, d, duplicateBioEndIo)];
}
