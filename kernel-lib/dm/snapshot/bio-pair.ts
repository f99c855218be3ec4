// A bio that dm core sends to a snapshot target as two clones (num_flush_bios = 2 on
// snapshot-merge: one flush to the origin, one to the COW device; num_discard_bios = 2 with
// discard_passdown_origin). The model maps the one clone it is given and makes the two here:
// the clone ends when both have, with the first error either saw.
import type { Bio } from '../../block/bio.js';
import type { Simulation } from '../../sim/index.js';

class BioPair {
  remaining = 2;
  status: string | null = null;
  constructor(
    readonly sim: Simulation,
    readonly parent: Bio,
  ) {}
}

function pairEnd(child: Bio): void {
  const p = child.private as BioPair;
  if (p.status === null) p.status = child.status;
  if (--p.remaining === 0) p.parent.endio(p.sim, p.status);
}

/** The two clones of `bio` (same op, range and flags); remap and submit or end each. */
export function bioPair(sim: Simulation, bio: Bio): [Bio, Bio] {
  const p = new BioPair(sim, bio);
  return [bio.child(bio.op, bio.sector, bio.sectors, bio.flags, p, pairEnd), bio.child(bio.op, bio.sector, bio.sectors, bio.flags, p, pairEnd)];
}
