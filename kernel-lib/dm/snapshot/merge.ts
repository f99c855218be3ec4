// Merging a snapshot back into its origin (dm-snap.c: start_merge,
// snapshot_merge_next_chunks, merge_callback, remove_single_exception_chunk). The persistent
// store hands out its exceptions from the last committed one backwards (prepare_merge), as
// many as are consecutive in both old and new chunk within one area; the batch's range of
// origin chunks is marked as merging (writes to it are held, merge-target.ts), writes already
// in flight to it drain, and one kcopyd copy moves the batch from the COW device to the
// origin. Its callback, in the kcopyd worker, clears the entries on disk (commit_merge: an
// area write with PREFLUSH|FUA), drops the exceptions from the table, releases the held
// writes to the origin and starts the next batch. It stops when the store is empty, on an
// error (merge_failed) or when asked (stop_merge).
// Before each batch, origin_write_extent makes the exceptions that OTHER snapshots of the
// origin need, since the batch overwrites the origin (origin.ts, originWriteExtent).
import type { Bio } from '../../block/bio.js';
import type { Thread } from '../../sim/cpu.js';
import type { ProcessGenerator } from '../../sim/index.js';
import { beforeSleep } from '../../block/plug.js';
import { cpuOf } from '../kcopyd/client.js';
import { exceptionsDone } from './exceptions-done.js';
import { originWriteExtent } from './origin.js';
import type { PersistentStore } from './persistent-store.js';
import type { Snapshot } from './snapshot.js';

export class Merge {
  /** RUNNING_MERGE / SHUTDOWN_MERGE */
  running = false;
  shutdown = false;
  /** first_merging_chunk / num_merging_chunks: the batch in flight. */
  firstMergingChunk = 0;
  numMergingChunks = 0;
  /** bios_queued_during_merge: writes to the batch's chunks, already remapped to the origin. */
  queued: Bio[] = [];
  /** When the merge found nothing left (NaN while running or never started). */
  finishedAt = NaN;
  readonly counters = { batches: 0, chunksMerged: 0, heldWrites: 0, extentWaits: 0 };

  constructor(
    readonly s: Snapshot,
    readonly store: PersistentStore,
  ) {}

  /** start_merge, in the resume caller. */
  *start(thread: Thread | null): ProcessGenerator<void> {
    if (this.running) return;
    this.running = true;
    yield* this.nextChunks(thread);
  }

  /** stop_merge asks; the batch in flight finishes and no next one starts. */
  stop(): void {
    if (this.running) this.shutdown = true;
  }

  /** snapshot_merge_next_chunks */
  *nextChunks(thread: Thread | null): ProcessGenerator<void> {
    const s = this.s;
    if (this.shutdown || !s.valid) return this.shut();
    const { count, lastOld, lastNew } = yield* this.store.prepareMerge(thread);
    if (count <= 0) {
      if (count < 0) s.mergeFailed = true; // "Read error in exception store: shutting down merge"
      else this.finishedAt = s.sim.now;
      return this.shut();
    }
    const cs = s.chunkSectors;
    const oldChunk = lastOld + 1 - count;
    const newChunk = lastNew + 1 - count;
    const sector = oldChunk * cs;
    const size = Math.min(count * cs, s.origin.dev.sizeSectors - sector);
    // origin_write_extent: make the exceptions the other snapshots need before the origin
    // changes, and wait (for any exception anywhere to complete) until none is pending.
    const done = exceptionsDone(s.sim);
    const step = s.origin.splitBoundary;
    for (;;) {
      const previous = done.count;
      let mustWait = false;
      for (let n = 0; n < count * cs; n += step) if (yield* originWriteExtent(s.origin, sector + n, thread)) mustWait = true;
      if (!mustWait) break;
      this.counters.extentWaits++;
      while (done.count === previous) yield beforeSleep(thread, done.next());
    }
    this.firstMergingChunk = oldChunk;
    this.numMergingChunks = count;
    // Wait until writes to all the batch's chunks drain.
    for (let i = 0; i < count; i++) yield* s.checkForConflictingIo(oldChunk + i, thread);
    s.kc.copy({ dev: s.cow, sector: newChunk * cs, count: size }, [{ dev: s.origin.dev, sector, count: size }], mergeCallback, this, thread);
  }

  shut(): void {
    this.running = false;
    this.shutdown = false;
  }

  /** __release_queued_bios_after_merge */
  releaseQueued(): Bio[] {
    this.firstMergingChunk = 0;
    this.numMergingChunks = 0;
    const b = this.queued;
    this.queued = [];
    return b;
  }

  isMerging(chunk: number): boolean {
    return chunk >= this.firstMergingChunk && chunk < this.firstMergingChunk + this.numMergingChunks;
  }
}

/** merge_callback, in the kcopyd worker. */
function* mergeCallback(readErr: boolean, writeErr: boolean, context: unknown, worker: Thread): ProcessGenerator<void> {
  const m = context as Merge;
  const s = m.s;
  const n = m.numMergingChunks;
  if (readErr || writeErr || !(yield* m.store.commitMerge(n, worker))) {
    // "shutting down merge": the held writes fail.
    s.mergeFailed = true;
    for (const bio of m.releaseQueued()) bio.endio(s.sim, 'EIO');
    return m.shut();
  }
  // remove_single_exception_chunk, in reverse order, under the snapshot's lock.
  const lock = yield* s.locks.enter(worker, m.firstMergingChunk, 0);
  for (let c = m.firstMergingChunk + n - 1; c >= m.firstMergingChunk; c--) s.complete.remove(c);
  const held = m.releaseQueued();
  s.locks.exit(lock);
  m.counters.batches++;
  m.counters.chunksMerged += n;
  // flush_bios: the held writes go to the origin, from the worker.
  for (const bio of held) {
    bio.thread = worker;
    bio.cpu = cpuOf(worker);
    yield* s.origin.dev.submit(bio);
  }
  yield* m.nextChunks(worker);
}
