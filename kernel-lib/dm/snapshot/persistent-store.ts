// The persistent store (dm-snap-persistent.c, `P`). On-disk layout, in chunks of the COW
// device:
//   chunk 0            header (magic "SnAp", valid, version 1, chunk size)
//   chunk 1            metadata area 0: epa = chunk_bytes / 16 entries {le64 old, le64 new}
//   chunks 2..epa+1    data chunks described by area 0
//   chunk 1+(epa+1)*a  metadata area a, followed by its epa data chunks
// prepare_exception hands out next_free and skips the area positions.
//
// Commit (group commit): each finished copy adds its entry to the in-memory area and queues
// its callback; the area is written only when NO copy is in flight any more (pending_count
// drops to 0; it counts every prepared exception, so copies still running hold everyone
// back) or the area is full. Then, synchronously and inside the kcopyd worker (which stalls
// all its other jobs meanwhile): zero the next area if this one is full, write the whole
// current area chunk with the era's flags, advance if full, and call every queued callback
// in order.
//
// Header I/O (chunk 0: magic "SnAp", valid, version 1, chunk size): read_header and, for a new
// snapshot, write_header then zero_area(0), at construction (read_metadata); write_header with
// valid = 0 when the snapshot is invalidated (drop_snapshot). Header reads and writes are
// chunk_io(..., metadata = 1): queued on the store's single-thread workqueue `ksnaphd` ("to
// avoid generic_make_request recursion", [S] 2.6.2x dm-exception-store.c and P-29), the caller
// sleeping until it is done (flush_workqueue); area writes and zeroing go direct. The model
// has no data, so every COW device holds a new snapshot (magic 0).
import { REQ_FUA, REQ_PREFLUSH, REQ_SYNC } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import type { Thread } from '../../sim/cpu.js';
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import { dmIo } from '../dm-io.js';
import { cpuOf } from '../kcopyd/client.js';
import { beforeSleep } from '../../block/plug.js';
import type { ExceptionStore } from './exception-store.js';
import type { CommitFlags, ZeroNextArea } from './params.js';
import type { PendingException } from './pending-exception.js';

/** sizeof(struct disk_exception) */
export const DISK_EXCEPTION_BYTES = 16;
/** NUM_SNAPSHOT_HDR_CHUNKS */
export const HEADER_CHUNKS = 1;

/** The area write's flags: sync dm_io always set REQ_SYNC; a barrier is modelled as flush + FUA. */
export function commitFlagBits(flags: CommitFlags): number {
  return flags === 'plain' ? REQ_SYNC : REQ_SYNC | REQ_PREFLUSH | REQ_FUA;
}

export class PersistentStore implements ExceptionStore {
  readonly kind = 'P' as const;
  /** exceptions_per_area */
  readonly epa: number;
  valid = true;
  /** Next free chunk (ps->next_free); 0 and 1 are the header and area 0. */
  nextFree = 2;
  /** Prepared exceptions not yet committed (ps->pending_count). */
  pendingCount = 0;
  currentArea = 0;
  /** Entries in the current area (ps->current_committed). */
  currentCommitted = 0;
  /** Callbacks waiting for the next area write, in order. */
  private callbacks: PendingException[] = [];
  private spare: PendingException[] = [];
  readonly counters = { commits: 0, areaWrites: 0, areaZeroes: 0, exceptions: 0, maxBatch: 0, headerReads: 0, headerWrites: 0 };
  /** Areas read back by prepare_merge (merging only; not in stats(), which predate merging). */
  areaReads = 0;
  /** The ksnaphd thread, once read_metadata has run. */
  private ksnaphd: Thread | null = null;
  private readonly flagBits: number;
  /**
   * The entries written to the areas, in commit order ({old, new} of entry i of area a at
   * index a * epa + i): what prepare_merge reads back. Merging removes them from the end.
   */
  private readonly oldChunks: number[] = [];
  private readonly newChunks: number[] = [];

  constructor(
    private readonly sim: Simulation,
    readonly cow: BlockDevice,
    readonly chunkSectors: number,
    flags: CommitFlags,
    /** `snapshot.zeroNextArea`: zero a full area's successor after writing it (2.6.18) or before (later). */
    private readonly zeroNext: ZeroNextArea = 'before-write',
  ) {
    this.epa = (chunkSectors * 512) / DISK_EXCEPTION_BYTES;
    this.flagBits = commitFlagBits(flags);
  }

  /** area_location: the chunk holding metadata area `area`. */
  areaLocation(area: number): number {
    return HEADER_CHUNKS + (this.epa + 1) * area;
  }

  prepareException(pe: PendingException): boolean {
    if (this.cow.sizeSectors < (this.nextFree + 1) * this.chunkSectors) return false;
    pe.newChunk = this.nextFree;
    // Skip the next metadata area's position.
    const next = ++this.nextFree;
    if (next % (this.epa + 1) === 1) this.nextFree++;
    this.pendingCount++;
    return true;
  }

  commitException(pe: PendingException, valid: boolean, worker: Thread): ProcessGenerator<void> | null {
    if (!valid) this.valid = false;
    this.currentCommitted++;
    this.counters.exceptions++;
    this.callbacks.push(pe);
    this.oldChunks.push(pe.oldChunk);
    this.newChunks.push(pe.newChunk);
    // The group-commit rule: nothing to do while copies are in flight and the area has room.
    if (--this.pendingCount !== 0 && this.currentCommitted !== this.epa) return null;
    return this.commitArea(worker);
  }

  /**
   * The group commit proper: write the area and, if it is full, zero the next one (first, or
   * after the write in 2.6.18's order), then call back every queued exception.
   */
  private *commitArea(worker: Thread): ProcessGenerator<void> {
    const full = this.currentCommitted === this.epa;
    if (full && this.zeroNext === 'before-write') yield* this.zeroNextArea(worker);
    if (this.valid) {
      this.counters.areaWrites++;
      if ((yield* this.chunkIo(this.areaLocation(this.currentArea), this.flagBits, worker)) !== null) this.valid = false;
    }
    if (full && this.zeroNext === 'after-write') yield* this.zeroNextArea(worker);
    if (full) {
      this.currentCommitted = 0;
      this.currentArea++;
    }
    this.counters.commits++;
    // Swap the callback array before calling out: a callback can lead to new commits (a
    // retried origin write starting a copy), which must queue on a fresh array.
    const cbs = this.callbacks;
    this.callbacks = this.spare;
    if (cbs.length > this.counters.maxBatch) this.counters.maxBatch = cbs.length;
    for (let i = 0; i < cbs.length; i++) yield* cbs[i].commitDone(this.valid, worker);
    cbs.length = 0;
    this.spare = cbs;
  }

  /** zero_area / zero_disk_area of the area after the current one: a plain synchronous write. */
  private *zeroNextArea(worker: Thread): ProcessGenerator<void> {
    this.counters.areaZeroes++;
    if ((yield* this.chunkIo(this.areaLocation(this.currentArea + 1), 0, worker)) !== null) this.valid = false;
  }

  /** read_metadata for a new snapshot: read_header (magic 0), write_header, zero_area(0). */
  *readMetadata(caller: Thread, ksnaphd: Thread): ProcessGenerator<void> {
    this.ksnaphd = ksnaphd;
    this.counters.headerReads++;
    if ((yield* this.metadataIo('read', caller)) !== null) {
      this.valid = false;
      return;
    }
    yield* this.writeHeader(caller);
    if (this.valid && (yield* this.chunkIo(this.areaLocation(0), 0, caller)) !== null) this.valid = false;
  }

  /** persistent_drop_snapshot: mark the header invalid on disk. */
  *dropSnapshot(caller: Thread | null): ProcessGenerator<void> {
    this.valid = false;
    yield* this.writeHeader(caller);
  }

  private *writeHeader(caller: Thread | null): ProcessGenerator<void> {
    this.counters.headerWrites++;
    if ((yield* this.metadataIo('write', caller)) !== null) this.valid = false;
  }

  /**
   * chunk_io(ps, 0, rw, metadata = 1): the header's dm_io runs as a work item on ksnaphd
   * while the caller waits. Without a ksnaphd (a store used before read_metadata) it runs in
   * the caller.
   */
  private *metadataIo(op: 'read' | 'write', caller: Thread | null): ProcessGenerator<string | null> {
    const k = this.ksnaphd;
    if (k === null) return yield* this.chunkIo(0, 0, caller, op);
    const self = this;
    const work = k.spawn(function* () {
      return yield* self.chunkIo(0, 0, k, op);
    });
    return yield beforeSleep(caller, work);
  }

  /** chunk_io with metadata = 0: a synchronous dm_io of one chunk, in the caller (the kcopyd worker). */
  private *chunkIo(chunk: number, flags: number, worker: Thread | null, op: 'read' | 'write' = 'write'): ProcessGenerator<string | null> {
    const done = yield* dmIo(this.sim, {
      op,
      flags: flags | REQ_SYNC,
      regions: [{ dev: this.cow, sector: chunk * this.chunkSectors, count: this.chunkSectors }],
      thread: worker,
      cpu: cpuOf(worker),
    });
    return yield beforeSleep(worker, done);
  }

  /**
   * persistent_prepare_merge: the last committed entry and how many entries before it, in the
   * same area, are consecutive with it in both old and new chunk (walking backwards). When the
   * current area is empty the previous one is read back first (area_io READ). Returns the
   * count (0: nothing left to merge, -1: read error) with the last entry's chunks.
   */
  *prepareMerge(thread: Thread | null): ProcessGenerator<{ count: number; lastOld: number; lastNew: number }> {
    if (this.currentCommitted === 0) {
      if (this.currentArea === 0) return { count: 0, lastOld: 0, lastNew: 0 };
      this.currentArea--;
      this.areaReads++;
      if ((yield* this.chunkIo(this.areaLocation(this.currentArea), 0, thread, 'read')) !== null) return { count: -1, lastOld: 0, lastNew: 0 };
      this.currentCommitted = this.epa;
    }
    const last = this.currentArea * this.epa + this.currentCommitted - 1;
    const lastOld = this.oldChunks[last];
    const lastNew = this.newChunks[last];
    let n = 1;
    while (n < this.currentCommitted && this.oldChunks[last - n] === lastOld - n && this.newChunks[last - n] === lastNew - n) n++;
    return { count: n, lastOld, lastNew };
  }

  /**
   * persistent_commit_merge: clear the merged entries, write the area (PREFLUSH|FUA), and
   * point next_free just past what is left, so that usage() shows the COW emptying. Returns
   * false on a write error.
   */
  *commitMerge(merged: number, thread: Thread | null): ProcessGenerator<boolean> {
    this.counters.areaWrites++;
    const err = yield* this.chunkIo(this.areaLocation(this.currentArea), REQ_SYNC | REQ_PREFLUSH | REQ_FUA, thread);
    if (err !== null) return false;
    this.currentCommitted -= merged;
    this.oldChunks.length -= merged;
    this.newChunks.length -= merged;
    this.nextFree = this.areaLocation(this.currentArea) + this.currentCommitted + 1;
    return true;
  }

  usage() {
    const areas = this.currentArea + 1;
    return {
      allocatedSectors: this.nextFree * this.chunkSectors,
      totalSectors: this.cow.sizeSectors,
      metadataSectors: (HEADER_CHUNKS + areas) * this.chunkSectors,
    };
  }

  stats(): Record<string, number> {
    return { ...this.counters, pendingCount: this.pendingCount, currentArea: this.currentArea };
  }
}
