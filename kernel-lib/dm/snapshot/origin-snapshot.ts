// What the origin write path (origin.ts: do_origin / __origin_write) uses of each snapshot of
// an origin: its state, its exception tables and locks, and the two steps it drives (allocate
// a pending exception, start its copy). The snapshot (snapshot.ts) implements it. Declared
// here so that the origin side depends on this description, not on the snapshot's code,
// which in turn calls into the origin side (the kernel's dm-snap.c is one file; here the two
// halves sit in two files without importing each other both ways).
import type { Thread } from '../../sim/cpu.js';
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import type { CompleteTable, PendingTable } from './exception-table.js';
import type { SnapshotLocks } from './locking.js';
import type { CowThrottle } from './cow-throttle.js';
import type { Mempool } from '../mempool.js';
import type { SnapshotParams } from './params.js';
import type { PendingException, PendingOwner } from './pending-exception.js';

export interface OriginSnapshot extends PendingOwner {
  readonly sim: Simulation;
  readonly name: string;
  /** s->active: origin writes skip a snapshot whose constructor has not finished. */
  readonly active: boolean;
  /** s->valid: false once invalidated (COW full, I/O error). */
  readonly valid: boolean;
  /** Loaded as snapshot-merge: origin writes make no exceptions in it. */
  readonly merging: boolean;
  readonly lengthSectors: number;
  readonly chunkSectors: number;
  readonly params: SnapshotParams;
  readonly complete: CompleteTable;
  readonly pending: PendingTable;
  readonly locks: SnapshotLocks;
  /** pending_pool: where alloc_pending_exception takes its element (freed by pending_complete). */
  readonly pendingPool: Mempool;
  /** The in-flight COW limit (5.4 on), or null. */
  readonly cowThrottle: CowThrottle | null;
  /** wait_for_in_progress */
  waitForInProgress(thread: Thread | null): ProcessGenerator<void>;
  readonly counters: { originCopies: number; heldOriginBios: number };
  chunkOf(sector: number): number;
  /** alloc_pending_exception with no lock held (pendingPool; may sleep). */
  allocPending(thread: Thread | null): ProcessGenerator<void>;
  /** __insert_pending_exception with the store's prepare, on an element already taken from pendingPool; null when the COW is full. */
  newPending(chunk: number, thread: Thread | null): ProcessGenerator<PendingException | null>;
  /** start_copy: hand the chunk's copy to kcopyd. */
  startCopy(pe: PendingException, thread: Thread | null): ProcessGenerator<void>;
}
