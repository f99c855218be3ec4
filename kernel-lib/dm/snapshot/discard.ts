// snapshot_map's discard path (dm-snap.c, 5.4 on), switched on by the table's feature
// arguments (table-args.ts). Without discard_zeroes_cow the target sets no num_discard_bios
// and dm core fails a discard with EOPNOTSUPP. With it, discards are cut at chunk boundaries
// (snapshot_io_hints: discard_granularity = max_discard_sectors = chunk size), and a discard
// of a chunk:
//   - with no exception completes at once (copying the origin chunk out would defeat it);
//   - with an exception and covering the whole chunk: the COW chunk is zeroed through kcopyd
//     (zero_exception, counted in cow_count like a copy) and the discard itself not issued;
//   - with an exception, partly covered: remapped to the COW device like a write.
// The exception itself stays: only its data goes. discard_passdown_origin sets
// num_discard_bios = 2: dm core sends a second clone (target_bio_nr 1), which goes to the
// origin, tracked like a snapshot read and without triggering exceptions in other snapshots.
// The model makes both clones here (dm/duplicate-bios.ts).
import type { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import type { Thread } from '../../sim/cpu.js';
import type { ProcessGenerator } from '../../sim/index.js';
import { bioPair } from '../duplicate-bios.js';
import type { Simulation } from '../../sim/index.js';
import type { KcopydClient } from '../kcopyd/client.js';
import type { CowThrottle } from './cow-throttle.js';
import type { CompleteTable } from './exception-table.js';
import type { SnapshotLocks } from './locking.js';
import type { SnapshotFeatures } from './table-args.js';

/** What the discard path uses of the snapshot (snapshot.ts implements it; declared here so the two files do not import each other). */
export interface DiscardSnapshot {
  readonly sim: Simulation;
  readonly features: SnapshotFeatures;
  readonly chunkSectors: number;
  readonly complete: CompleteTable;
  readonly locks: SnapshotLocks;
  readonly cow: BlockDevice;
  readonly origin: { readonly dev: BlockDevice };
  readonly cowThrottle: CowThrottle | null;
  readonly kc: KcopydClient;
  discardZeroes: number;
  chunkOf(sector: number): number;
  track(chunk: number): void;
  submitTracked(parent: Bio, chunk: number, dev: BlockDevice, sector: number): ProcessGenerator<void>;
}

type Lock = Parameters<SnapshotLocks['exit']>[0];

/** A zeroing in flight: zero_callback ends the discard. */
class ZeroingDiscard {
  constructor(
    readonly snap: DiscardSnapshot,
    readonly bio: Bio,
  ) {}
}

function* zeroCallback(_readErr: boolean, writeErr: boolean, context: unknown, _worker: Thread): ProcessGenerator<void> {
  const z = context as ZeroingDiscard;
  if (z.snap.cowThrottle !== null) z.snap.cowThrottle.end();
  z.bio.endio(z.snap.sim, writeErr ? 'EIO' : null);
}

/** Called by Snapshot.map with the chunk's lock held (which it drops); same contract as map. */
export function* mapDiscard(s: DiscardSnapshot, clone: Bio, offset: number, lock: Lock): ProcessGenerator<BlockDevice | null> {
  if (!s.features.discardZeroesCow) {
    s.locks.exit(lock);
    clone.endio(s.sim, 'EOPNOTSUPP');
    return null;
  }
  const chunk = s.chunkOf(offset);
  if (!s.features.discardPassdownOrigin) return yield* discardCow(s, clone, offset, chunk, lock);
  const [toCow, toOrigin] = bioPair(s.sim, clone);
  s.track(chunk);
  const dev = yield* discardCow(s, toCow, offset, chunk, lock);
  if (dev !== null) yield* dev.submit(toCow);
  yield* s.submitTracked(toOrigin, chunk, s.origin.dev, offset);
  return null;
}

/** target_bio_nr 0: what a discard does to the snapshot's own exception for the chunk. */
function* discardCow(s: DiscardSnapshot, bio: Bio, offset: number, chunk: number, lock: Lock): ProcessGenerator<BlockDevice | null> {
  const cs = s.chunkSectors;
  const newChunk = s.complete.lookup(chunk);
  s.locks.exit(lock);
  if (newChunk === undefined) {
    bio.endio(s.sim);
    return null;
  }
  bio.sector = newChunk * cs + (offset - chunk * cs);
  if (bio.sectors !== cs) return s.cow;
  s.discardZeroes++;
  if (s.cowThrottle !== null) s.cowThrottle.start();
  s.kc.zero([{ dev: s.cow, sector: bio.sector, count: cs }], zeroCallback, new ZeroingDiscard(s, bio), bio.thread);
  return null;
}
