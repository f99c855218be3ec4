// struct dm_exception_store_type: where COW chunks are allocated and how a finished copy is
// made durable before the bios waiting on it may go.
import type { Thread } from '../../sim/cpu.js';
import type { ProcessGenerator } from '../../sim/index.js';
import type { PendingException } from './pending-exception.js';

export interface ExceptionStore {
  readonly kind: 'P' | 'N';
  readonly chunkSectors: number;
  /** Whether the store is still usable (ps->valid: a failed metadata write clears it). */
  readonly valid: boolean;
  /** prepare_exception: allocate the COW chunk into pe.newChunk; false when the COW device is full (-ENOSPC). */
  prepareException(pe: PendingException): boolean;
  /**
   * commit_exception, in the kcopyd worker: record the exception and, when the store's rule
   * says so, make it durable and call every waiting pe.commitDone() in order. Returns what the
   * worker must run for that (`yield*` it), or null when there is nothing to do now: most
   * calls to a group-committing store, which then need no generator.
   */
  commitException(pe: PendingException, valid: boolean, worker: Thread): ProcessGenerator<void> | null;
  /** `dmsetup status` figures: sectors allocated (data + metadata), total, metadata. */
  usage(): { allocatedSectors: number; totalSectors: number; metadataSectors: number };
  /** Store-specific statistics. */
  stats(): Record<string, number>;
  /**
   * read_metadata, in the constructor (`caller`, the dmsetup process): the persistent store
   * reads its header and, for a new snapshot, writes it and zeroes area 0. Absent: nothing
   * to do (transient).
   */
  readMetadata?(caller: Thread, ksnaphd: Thread): ProcessGenerator<void>;
  /** drop_snapshot, when the snapshot is invalidated: the persistent store writes valid = 0 into its header. */
  dropSnapshot?(caller: Thread | null): ProcessGenerator<void>;
}
