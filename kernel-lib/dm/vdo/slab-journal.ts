// A slab journal's room and the write-back of reference counts (slab-depot.c: dirty_block,
// reclaim_journal_space, launch_reference_block_write, finish_reference_block_write,
// reap_slab_journal, requires_reaping; encodings.c vdo_configure_slab;
// docs/references.md#vdo-refcount-writeback). Blocks are numbered from 1 (`tail` is the one
// being filled); the journal holds DEFAULT_VDO_SLAB_JOURNAL_SIZE of them on storage, circularly,
// from `head`. A reference block (COUNTS_PER_BLOCK counts) dirtied by an entry locks the journal
// block that entry went into, until the reference block is written: a journal block can be
// reaped (its room reused) only when no dirty reference block still needs it. Once the journal
// is `flushing threshold` blocks long, each new entry schedules writes of the oldest dirty
// reference blocks (all of them past the deadline); a reference block is written with
// REQ_PREFLUSH (the journal entries covering it must be stable first); when the head's locks
// are gone, a flush, then the head moves. At the blocking threshold new entries wait for a reap.
// Simplified [R]: lock counts are per reference block, not per entry (the same blocks reap);
// the slab summary is not written (its update is what lets recovery find the tail).
import { Deque } from '../../sim/deque.js';
import type { VdoCompletion } from './completion.js';
import { DEFAULT_VDO_SLAB_JOURNAL_SIZE, MAXIMUM_VDO_USER_VIOS, SLAB_JOURNAL_ENTRIES_PER_BLOCK } from './constants.js';

/** Reference counts per 4 KiB block: 8 sectors of (512 - 8-byte journal point) one-byte counts. */
export const COUNTS_PER_BLOCK = 8 * (512 - 8);
/**
 * VDO_SLAB_JOURNAL_FULL_ENTRIES_PER_BLOCK, for the scrubbing threshold's room: the payload of
 * SLAB_JOURNAL_ENTRIES_PER_BLOCK 3-byte entries, at 25 bits an entry when one bit a entry marks
 * block-map increments [R: derived from the encoding].
 */
const FULL_ENTRIES_PER_BLOCK = Math.floor((SLAB_JOURNAL_ENTRIES_PER_BLOCK * 3 * 8) / 25);

/** vdo_configure_slab's thresholds for a journal of `blocks` blocks. */
export function slabJournalThresholds(blocks = DEFAULT_VDO_SLAB_JOURNAL_SIZE): { flushing: number; blocking: number; deadline: number } {
  const flushing = Math.floor((blocks * 3 + 3) / 4);
  let blocking = flushing + Math.floor(((blocks - flushing) * 5) / 7);
  const minimalExtraSpace = 1 + Math.floor(MAXIMUM_VDO_USER_VIOS / FULL_ENTRIES_PER_BLOCK);
  const scrubbing = blocks > minimalExtraSpace ? blocks - minimalExtraSpace : blocking;
  if (blocking > scrubbing) blocking = scrubbing;
  const deadline = blocking - flushing > 5 ? blocking - 5 : flushing;
  return { flushing, blocking, deadline };
}

const T = slabJournalThresholds();

export class SlabJournal {
  /** The oldest block not reaped, the first one a reap in progress will not free, and the block being filled. */
  head = 1;
  unreapable = 1;
  tail = 1;
  reaping = false;
  /** Dirty reference blocks (index in the slab) and the journal block each locks, oldest dirtied first. */
  readonly dirty = new Map<number, number>();
  /** Reference blocks being written, with the lock each releases when done. */
  readonly writing = new Map<number, number>();
  /** Locks on each journal block (by sequence number). */
  private readonly locks = new Map<number, number>();
  /** Reference updates waiting for room (requires_reaping), in journal order. */
  readonly waiters = new Deque<VdoCompletion>();
  referenceBlocksWritten = 0;
  reaps = 0;
  blockedEntries = 0;

  get length(): number {
    return this.tail - this.head;
  }

  requiresReaping(): boolean {
    return this.length >= T.blocking;
  }

  /** dirty_block: an entry in the tail block changed the counts of reference block `rb`. */
  dirtied(rb: number): void {
    if (this.dirty.has(rb)) return;
    this.dirty.set(rb, this.tail);
    this.locks.set(this.tail, (this.locks.get(this.tail) ?? 0) + 1);
  }

  /** reclaim_journal_space: the reference blocks to write now, oldest dirtied first. */
  reclaim(): number[] {
    const length = this.length;
    if (length < T.flushing || this.dirty.size === 0) return NONE;
    let count = this.dirty.size;
    if (length < T.deadline) count = Math.max(1, Math.floor(count / (T.deadline - length + 1)));
    const out: number[] = [];
    for (const [rb, lock] of this.dirty) {
      if (out.length >= count) break;
      if (this.writing.has(rb)) continue; // re-dirtied while writing: goes after this write
      this.dirty.delete(rb);
      this.writing.set(rb, lock);
      out.push(rb);
    }
    this.referenceBlocksWritten += out.length;
    return out;
  }

  /** finish_reference_block_write: its lock goes; true when a reap can start (the caller flushes, then finishReap). */
  written(rb: number): boolean {
    const lock = this.writing.get(rb) as number;
    this.writing.delete(rb);
    const n = (this.locks.get(lock) as number) - 1;
    if (n > 0) this.locks.set(lock, n);
    else this.locks.delete(lock);
    return this.startReap();
  }

  /** reap_slab_journal: the blocks from the head with no locks left can go, after a flush. */
  startReap(): boolean {
    if (this.reaping) return false;
    const from = this.unreapable;
    while (this.unreapable < this.tail && !this.locks.has(this.unreapable)) this.unreapable++;
    if (this.unreapable === from) return false;
    this.reaping = true;
    return true;
  }

  /** finish_reaping: the flush is done, the head moves. */
  finishReap(): void {
    this.head = this.unreapable;
    this.reaping = false;
    this.reaps++;
  }
}

const NONE: number[] = [];
