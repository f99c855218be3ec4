// struct dm_snapshot and its I/O paths (dm-snap.c): mapping bios sent to the snapshot device
// (snapshot_map), starting chunk copies (start_copy, start_full_bio), and finishing them in
// the kcopyd worker (copy_callback -> the store's commit -> pending_complete). The origin's
// side of the story, __origin_write, is in origin.ts.
import { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import type { CpuSet, Thread } from '../../sim/cpu.js';
import type { ProcessGenerator, SimEvent, Simulation } from '../../sim/index.js';
import { CowThrottle } from './cow-throttle.js';
import { Mempool } from '../mempool.js';
import { cpuOf, KcopydClient } from '../kcopyd/client.js';
import { KCOPYD_COSTS } from '../kcopyd/costs.js';
import type { KcopydParams } from '../kcopyd/params.js';
import { KcopydThrottle } from '../kcopyd/throttle.js';
import { beforeSleep } from '../../block/plug.js';
import { SNAPSHOT_COSTS as C } from './costs.js';
import { bucketCounts, chainWalk, CompleteTable, PendingTable } from './exception-table.js';
import type { ExceptionStore } from './exception-store.js';
import { cpuTime, SnapshotLocks } from './locking.js';
import type { SnapshotParams } from './params.js';
import { PendingException, type PendingOwner } from './pending-exception.js';
import { doOrigin, putPendingException, type Origin } from './origin.js';
import type { OriginSnapshot } from './origin-snapshot.js';
import { mapDiscard } from './discard.js';
import { exceptionsDone, type ExceptionsDone } from './exceptions-done.js';
import type { SnapshotFeatures } from './table-args.js';

const NO_FEATURES: SnapshotFeatures = { overflow: false, discardZeroesCow: false, discardPassdownOrigin: false };

/** MIN_IOS: the elements pending_pool keeps in reserve [S S-414]. */
export const PENDING_MIN_IOS = 256;

/** snapshot_copy_throttle: dm-snapshot's one kcopyd throttle (a module parameter), per simulation. */
const copyThrottles = new WeakMap<Simulation, KcopydThrottle>();

function snapshotCopyThrottle(sim: Simulation, kcopyd: KcopydParams): KcopydThrottle {
  let t = copyThrottles.get(sim);
  if (t === undefined) copyThrottles.set(sim, (t = new KcopydThrottle(sim, kcopyd.throttle)));
  return t;
}

/** A snapshot read sent to the origin, tracked until it completes (track_chunk). */
class TrackedRead {
  constructor(
    readonly snap: Snapshot,
    readonly chunk: number,
    readonly parent: Bio,
  ) {}
}

function trackedReadEnd(child: Bio): void {
  const r = child.private as TrackedRead;
  r.snap.untrack(r.chunk);
  r.parent.endio(r.snap.sim, child.status);
}

/** The full-chunk write went to COW: run copy_callback in the kcopyd worker (full_bio_end_io). */
function fullBioEnd(child: Bio): void {
  const pe = child.private as PendingException;
  const snap = pe.owner as Snapshot;
  pe.fullBioStatus = child.status;
  snap.kc.doCallback(pe.callbackJob!, false, child.status !== null, child.completionCpu >= 0 ? child.completionCpu : child.cpu);
}

/** copy_callback, the kcopyd notify function of every chunk copy. */
function* copyCallback(readErr: boolean, writeErr: boolean, context: unknown, worker: Thread): ProcessGenerator<void> {
  const pe = context as PendingException;
  const s = pe.owner as Snapshot;
  const cost = cpuTime(s.sim, worker, C.copyCallbackNs);
  if (cost !== null) yield cost;
  pe.copyError = readErr || writeErr;
  // commitException returns null when the commit has nothing to do yet (group commit).
  if (!s.inOrderCompletion) {
    // 2.6, or parallel per-CPU callbacks (see the constructor): commit in whatever order
    // copies finish.
    const commit = s.store.commitException(pe, !pe.copyError, worker);
    if (commit !== null) yield* commit;
  } else if (pe.sequence === s.completeSequence) {
    s.completeSequence++;
    const commit = s.store.commitException(pe, !pe.copyError, worker);
    if (commit !== null) yield* commit;
    // Drain the exceptions that finished early and are now in sequence.
    for (let next = s.outOfOrder.get(s.completeSequence); next !== undefined; next = s.outOfOrder.get(s.completeSequence)) {
      s.outOfOrder.delete(s.completeSequence);
      s.completeSequence++;
      const later = s.store.commitException(next, !next.copyError, worker);
      if (later !== null) yield* later;
    }
  } else {
    s.outOfOrder.set(pe.sequence, pe);
  }
  if (s.cowThrottle !== null) s.cowThrottle.end();
}

export class Snapshot implements PendingOwner, OriginSnapshot {
  valid = true;
  /**
   * s->snapshot_overflowed (`PO` store): a snapshot write found the COW device full. Snapshot
   * writes fail from then on; reads and origin writes go on.
   */
  overflowed = false;
  overflowAt = NaN;
  /** Loaded as snapshot-merge (merge.ts): origin writes make no exceptions in it. */
  merging = false;
  /** s->merge_failed: a merge stopped on an I/O error (status `Merge failed`). */
  mergeFailed = false;
  /**
   * s->active: set once the constructor's metadata I/O is done (the table is resumed). Origin
   * writes skip an inactive snapshot; snapshot I/O waits for `setup`.
   */
  active: boolean;
  /** The constructor's read_metadata (persistent store: header I/O), null when there is none. */
  readonly setup: SimEvent<unknown> | null;
  /** Why the snapshot became invalid ('ENOSPC' when the COW device filled up, 'EIO'). */
  invalidReason: string | null = null;
  invalidAt = NaN;
  readonly complete: CompleteTable;
  readonly pending = new PendingTable();
  readonly kc: KcopydClient;
  readonly locks: SnapshotLocks;
  /** pending_pool: mempool_create_slab_pool(MIN_IOS, pending_cache). */
  readonly pendingPool: Mempool;
  /** in_progress and cow_threshold (null: no threshold). */
  readonly cowThrottle: CowThrottle | null;
  /** exception_start_sequence / exception_complete_sequence and the out-of-order "tree". */
  startSequence = 0;
  completeSequence = 0;
  readonly outOfOrder = new Map<number, PendingException>();
  /**
   * copy_callback completes exceptions in allocation order (`snapshot.inOrderCompletion`).
   * Its sequence counter and out-of-order tree take no lock: they rely on kcopyd running the
   * client's callbacks one at a time. With per-CPU kcopyd and a transient store the callbacks
   * run in parallel (the 2022 description), which the ordering cannot survive, and it is not
   * needed there: it exists so that a crash does not leak a PERSISTENT snapshot's COW space
   * (commit 230c83afdd9cd). The model ASSUMES the per-CPU design completes transient
   * exceptions as their copies finish. Kept, it also does the wrong thing to the load: the
   * worker that finishes the oldest copy completes every exception behind it, so the slowest
   * worker becomes the one that completes (and resubmits the bios of) all of them.
   */
  readonly inOrderCompletion: boolean;
  /** _pending_exceptions_done_count, shared by every snapshot of the simulation. */
  private readonly exceptionsDone: ExceptionsDone;
  /** Snapshot reads in flight to the origin, per chunk (tracked_chunk_hash). */
  private readonly tracked = new Map<number, number>();
  readonly counters = { originCopies: 0, snapshotCopies: 0, fullChunkWrites: 0, trackedWaits: 0, exceptionsCompleted: 0, heldOriginBios: 0, copyLatencyNsSum: 0 };
  /** Whole-chunk discards that zeroed their COW chunk (discard_zeroes_cow; reported only with it). */
  discardZeroes = 0;

  constructor(
    readonly sim: Simulation,
    readonly cpus: CpuSet,
    readonly name: string,
    readonly origin: Origin,
    readonly cow: BlockDevice,
    readonly store: ExceptionStore,
    /** Sectors of the snapshot (its table length). */
    readonly lengthSectors: number,
    readonly params: SnapshotParams,
    kcopyd: KcopydParams,
    /** The table's store type and feature arguments (table-args.ts). */
    readonly features: SnapshotFeatures = NO_FEATURES,
    /**
     * A snapshot on the same COW device whose exceptions this one takes over
     * (__handover_exceptions: snapshot-merge loaded over a snapshot's COW, the way LVM
     * merges). Its store is `store`; its metadata is not read again; it becomes invalid.
     */
    source: Snapshot | null = null,
  ) {
    // Callbacks of per-CPU kcopyd workers: serialized for the persistent store (its commits
    // go in order), in parallel for the transient one; one copy throttle for all snapshots.
    this.kc = new KcopydClient(sim, cpus, name, kcopyd, { serializeCallbacks: store.kind === 'P', throttle: snapshotCopyThrottle(sim, kcopyd) });
    this.inOrderCompletion = params.inOrderCompletion && !this.kc.parallelCallbacks;
    // The bucket heads became 8-byte hlist_bl heads with the fine-grained locking series.
    const b = bucketCounts(Math.floor(cow.sizeSectors / store.chunkSectors), params.locking === 'fine-grained' ? 8 : 16);
    this.complete = source !== null ? source.complete : new CompleteTable(b.complete, Math.ceil(lengthSectors / store.chunkSectors), params.initialExceptions);
    this.locks = new SnapshotLocks(sim, params.locking, name, b.complete, b.pending, params.lockSpin);
    this.cowThrottle = params.cowThreshold > 0 ? new CowThrottle(sim, params.cowThreshold) : null;
    this.pendingPool = new Mempool(sim, PENDING_MIN_IOS, params.memoryPressure);
    this.exceptionsDone = exceptionsDone(sim);
    if (source !== null) {
      // "Set source invalid to ensure it receives no further I/O."
      this.valid = source.valid;
      this.overflowed = source.overflowed;
      source.valid = false;
      source.invalidReason = `handed over to ${name}`;
      source.invalidAt = sim.now;
    }
    if (store.readMetadata !== undefined && source === null) {
      // snapshot_ctr runs in the process that loads the table (dmsetup); the store's header
      // I/O goes through its own single-thread workqueue, ksnaphd.
      const caller = cpus.thread(`${name}.dmsetup`);
      const ksnaphd = cpus.thread(`${name}.ksnaphd`);
      const self = this;
      this.active = false;
      this.setup = caller.spawn(function* () {
        yield* store.readMetadata!(caller, ksnaphd);
        if (!store.valid) self.invalidate('EIO');
        self.active = true;
      });
    } else {
      this.active = true;
      this.setup = null;
    }
  }

  get chunkSectors(): number {
    return this.store.chunkSectors;
  }

  chunkOf(sector: number): number {
    return Math.floor(sector / this.store.chunkSectors);
  }

  /** __invalidate_snapshot: the snapshot stops taking exceptions; its I/O fails from now on. */
  invalidate(reason: string): void {
    if (!this.valid) return;
    this.valid = false;
    this.invalidReason = reason;
    this.invalidAt = this.sim.now;
  }

  /** __invalidate_snapshot with the store's drop_snapshot (the persistent store rewrites its header). */
  *invalidateSnapshot(reason: string, thread: Thread | null): ProcessGenerator<void> {
    if (!this.valid) return;
    this.invalidate(reason);
    if (this.store.dropSnapshot !== undefined) yield* this.store.dropSnapshot(thread);
  }

  isTracked(chunk: number): boolean {
    return (this.tracked.get(chunk) ?? 0) > 0;
  }

  /** track_chunk, under the chunk's lock: pending_complete will wait for this I/O. */
  track(chunk: number): void {
    this.tracked.set(chunk, (this.tracked.get(chunk) ?? 0) + 1);
  }

  /** The tracked bio goes to `dev` at `sector`; it is untracked when it ends (snapshot_end_io). */
  *submitTracked(parent: Bio, chunk: number, dev: BlockDevice, sector: number): ProcessGenerator<void> {
    const child = parent.child(parent.op, parent.sector, parent.sectors, parent.flags, new TrackedRead(this, chunk, parent), trackedReadEnd);
    child.sector = sector;
    yield* dev.submit(child);
  }

  /** __check_for_conflicting_io: "extremely improbable, so msleep(1) is sufficient". */
  *checkForConflictingIo(chunk: number, thread: Thread | null): ProcessGenerator<void> {
    while (this.isTracked(chunk)) yield beforeSleep(thread, this.sim.timeout(1_000_000));
  }

  untrack(chunk: number): void {
    const n = (this.tracked.get(chunk) ?? 1) - 1;
    if (n <= 0) this.tracked.delete(chunk);
    else this.tracked.set(chunk, n);
  }

  /**
   * Allocates a pending exception for `chunk` with the store (the caller holds the lock for
   * the chunk). Returns null when the COW device is full, after invalidating the snapshot, or,
   * for a snapshot write (`snapshotWrite`) to a `PO` store, after marking it overflowed
   * (snapshot_map; __origin_write invalidates whatever the store type).
   */
  *newPending(chunk: number, thread: Thread | null, snapshotWrite = false): ProcessGenerator<PendingException | null> {
    const pe = new PendingException(this, chunk, this.sim.now);
    yield* this.locks.allocate(thread, C.insertPendingNs);
    if (!this.store.prepareException(pe)) {
      if (snapshotWrite && this.features.overflow) {
        // "Snapshot overflowed: Unable to allocate exception."
        if (this.valid && !this.overflowed) {
          this.overflowed = true;
          this.overflowAt = this.sim.now;
        }
      } else yield* this.invalidateSnapshot('ENOSPC', thread);
      return null;
    }
    pe.sequence = this.startSequence++;
    pe.refCount = 1; // get_pending_exception (primary-pe scheme)
    this.pending.insert(pe);
    return pe;
  }

  /** alloc_pending_exception, with no lock held: an element of pending_pool (may sleep), and its CPU. */
  *allocPending(thread: Thread | null): ProcessGenerator<void> {
    const wait = this.pendingPool.alloc();
    if (wait !== null) yield beforeSleep(thread, wait);
    const cost = cpuTime(this.sim, thread, C.allocPendingNs);
    if (cost !== null) yield cost;
  }

  /** wait_for_in_progress, looked at again after every wake, before any snapshot lock is taken. */
  *waitForInProgress(thread: Thread | null): ProcessGenerator<void> {
    const t = this.cowThrottle as CowThrottle;
    for (let ev = t.wait(); ev !== null; ev = t.wait()) yield beforeSleep(thread, ev);
  }

  /** start_copy: copy the origin chunk to its COW chunk through kcopyd. */
  *startCopy(pe: PendingException, thread: Thread | null): ProcessGenerator<void> {
    if (this.cowThrottle !== null) this.cowThrottle.start();
    const cost = cpuTime(this.sim, thread, KCOPYD_COSTS.copyCallNs);
    if (cost !== null) yield cost;
    const cs = this.chunkSectors;
    const sector = pe.oldChunk * cs;
    const count = Math.min(cs, this.origin.dev.sizeSectors - sector);
    this.kc.copy({ dev: this.origin.dev, sector, count }, [{ dev: this.cow, sector: pe.newChunk * cs, count }], copyCallback, pe, thread);
  }

  /** start_full_bio: the write covers the chunk, so it goes straight to COW; no origin read. */
  *startFullBio(pe: PendingException, clone: Bio, thread: Thread | null): ProcessGenerator<void> {
    pe.fullBio = clone;
    this.counters.fullChunkWrites++;
    if (this.cowThrottle !== null) this.cowThrottle.start();
    pe.callbackJob = this.kc.prepareCallback(copyCallback, pe, thread);
    const child = clone.child('write', clone.sector, clone.sectors, clone.flags, pe, fullBioEnd);
    yield* this.cow.submit(child);
  }

  /**
   * snapshot_map: a bio to the snapshot device. `offset` is the bio's sector within the
   * target. Returns the device to send the remapped clone to, or null when it was taken
   * charge of (queued on a pending exception, or ended).
   */
  *map(clone: Bio, offset: number): ProcessGenerator<BlockDevice | null> {
    const thread = clone.thread;
    if (!this.active && this.setup !== null) yield beforeSleep(thread, this.setup);
    if (clone.sectors === 0) return this.cow; // a flush goes to the COW device
    if (this.cowThrottle !== null && clone.op === 'write') yield* this.waitForInProgress(thread);
    const chunk = this.chunkOf(offset);
    const cs = this.chunkSectors;
    const within = offset - chunk * cs;
    let lock = yield* this.locks.enter(thread, chunk, C.lookupNs);
    // DM_MAPIO_KILL: an invalid snapshot, or a write (a discard is one) to an overflowed one.
    if (!this.valid || (this.overflowed && clone.isWrite)) {
      this.locks.exit(lock);
      clone.endio(this.sim, 'EIO');
      return null;
    }
    if (clone.op === 'discard') return yield* mapDiscard(this, clone, offset, lock);
    let newChunk = this.complete.lookup(chunk);
    const walk = chainWalk(this.sim, thread, this.complete, chunk, this.complete.lookupSteps(chunk, newChunk !== undefined));
    if (walk !== null) yield walk;
    if (newChunk !== undefined) {
      this.locks.exit(lock);
      clone.sector = newChunk * cs + within;
      return this.cow;
    }
    if (clone.op === 'read') {
      if (!this.params.trackReads) {
        // Before read tracking: remap to the origin and forget the read.
        this.locks.exit(lock);
        clone.sector = offset;
        return this.origin.dev;
      }
      // Not copied yet: read the origin, even if a copy is pending, and track the read so
      // that pending_complete waits for it before the origin chunk may change.
      this.track(chunk);
      this.locks.exit(lock);
      yield* this.submitTracked(clone, chunk, this.origin.dev, offset);
      return null;
    }
    let pe = this.pending.lookup(chunk);
    if (pe === undefined) {
      // alloc_pending_exception sleeps in the mempool: drop the lock, allocate, relock and
      // look again, since someone may have raced us.
      this.locks.exit(lock);
      yield* this.allocPending(thread);
      lock = yield* this.locks.enter(thread, chunk, C.lookupNs);
      newChunk = this.complete.lookup(chunk);
      if (this.valid) {
        // dm_lookup_exception again: the chain a second time, now cached [S S-414].
        const again = chainWalk(this.sim, thread, this.complete, chunk, this.complete.lookupSteps(chunk, newChunk !== undefined));
        if (again !== null) yield again;
      }
      if (newChunk !== undefined) {
        this.pendingPool.free();
        this.locks.exit(lock);
        clone.sector = newChunk * cs + within;
        return this.cow;
      }
      const raced = this.pending.lookup(chunk);
      if (raced !== undefined) this.pendingPool.free(); // __find_pending_exception frees ours
      pe = raced ?? (this.valid ? ((yield* this.newPending(chunk, thread, true)) ?? undefined) : undefined);
      if (pe === undefined) {
        this.pendingPool.free(); // invalid, or the store is full: free_pending_exception
        this.locks.exit(lock);
        clone.endio(this.sim, 'EIO');
        return null;
      }
      this.counters.snapshotCopies++;
    }
    clone.sector = pe.newChunk * cs + within;
    if (!pe.started && this.params.skipFullChunkCopy && within === 0 && clone.sectors === cs) {
      pe.started = true;
      this.locks.exit(lock);
      yield* this.startFullBio(pe, clone, thread);
      return null;
    }
    pe.snapshotBios.push(clone);
    if (!pe.started) {
      pe.started = true;
      this.locks.exit(lock);
      yield* this.startCopy(pe, thread);
      return null;
    }
    this.locks.exit(lock);
    return null;
  }

  /**
   * pending_complete, in the kcopyd worker once the exception is committed: make it a
   * complete exception, wait out conflicting snapshot reads, then release the bios that
   * waited: snapshot writes go to COW, the full-chunk write ends, origin writes are re-run
   * through do_origin (they may now wait on another snapshot's exception) and go. With
   * `originWrite: primary-pe` the origin writes are released only by the last sibling
   * exception of their write (put_pending_exception) and go straight to the origin.
   */
  *pendingComplete(pe: PendingException, success: boolean, worker: Thread): ProcessGenerator<void> {
    const sim = this.sim;
    const chunk = pe.oldChunk;
    let lock = yield* this.locks.enter(worker, chunk, C.pendingCompleteNs);
    let error: string | null = null;
    if (!success || !this.valid) {
      yield* this.invalidateSnapshot(success ? (this.invalidReason ?? 'EIO') : 'EIO', worker);
      error = 'EIO';
    } else {
      // dm_insert_exception: the walk back along the chain to the sorted position.
      const walk = chainWalk(sim, worker, this.complete, chunk, this.complete.insertSteps(chunk));
      if (walk !== null) yield walk;
      this.complete.insert(chunk, pe.newChunk);
      if (this.isTracked(chunk)) {
        this.locks.exit(lock);
        this.counters.trackedWaits++;
        yield* this.checkForConflictingIo(chunk, worker);
        lock = yield* this.locks.enter(worker, chunk, 0);
      }
    }
    this.pending.remove(pe);
    this.exceptionsDone.increment();
    // primary-pe: the origin writes tied to this exception go when its last sibling is done.
    const released = this.params.originWrite === 'primary-pe' ? putPendingException(pe) : null;
    this.locks.exit(lock);
    this.counters.exceptionsCompleted++;
    this.counters.copyLatencyNsSum += sim.now - pe.createdAt;
    const cow = this.cow;
    // The held bios are resubmitted from the kcopyd worker (generic_make_request in its
    // context): the block layer's CPU cost is the worker's now, not the original submitter's.
    const cpu = cpuOf(worker);
    // Indexed loops: a for-of iterator would be one more allocation per exception.
    const snapshotBios = pe.snapshotBios;
    for (let i = 0; i < snapshotBios.length; i++) {
      const bio = snapshotBios[i];
      bio.thread = worker;
      bio.cpu = cpu;
      if (error !== null) bio.endio(sim, error);
      else yield* cow.submit(bio);
    }
    if (pe.fullBio !== null) pe.fullBio.endio(sim, error ?? pe.fullBioStatus);
    if (released !== null) {
      // flush_bios: straight to the origin, no second pass through do_origin.
      for (let i = 0; i < released.length; i++) {
        const bio = released[i];
        bio.thread = worker;
        bio.cpu = cpu;
        yield* this.origin.dev.submit(bio);
      }
      // Simplification: 2.6.18 freed a primary only when its last sibling was done.
      this.pendingPool.free();
      return;
    }
    const originBios = pe.originBios;
    for (let i = 0; i < originBios.length; i++) {
      const bio = originBios[i];
      bio.thread = worker;
      bio.cpu = cpu;
      const cost = cpuTime(sim, worker, C.retryOriginNs);
      if (cost !== null) yield cost;
      if (!(yield* doOrigin(this.origin, bio, worker, false))) yield* this.origin.dev.submit(bio);
    }
    this.pendingPool.free(); // free_pending_exception
  }

  /** `dmsetup status` of the snapshot target, plus the model's counters. */
  status(): Record<string, unknown> {
    const u = this.store.usage();
    const kc = this.kc;
    const ec = this.counters.exceptionsCompleted;
    return {
      state: !this.valid ? 'Invalid' : this.overflowed ? 'Overflow' : 'Active',
      active: this.active,
      invalid_reason: this.invalidReason,
      invalid_at_s: this.valid ? null : this.invalidAt / 1e9,
      // The kernel's line: <sectors allocated>/<total sectors> <metadata sectors>.
      dmsetup: !this.valid ? 'Invalid' : this.mergeFailed ? 'Merge failed' : this.overflowed ? 'Overflow' : `${u.allocatedSectors}/${u.totalSectors} ${u.metadataSectors}`,
      allocated_sectors: u.allocatedSectors,
      total_sectors: u.totalSectors,
      metadata_sectors: u.metadataSectors,
      chunk_sectors: this.chunkSectors,
      store: this.store.kind,
      exceptions: this.complete.size,
      pending: this.pending.size,
      max_pending: this.pending.maxSize,
      pending_pool_waits: this.pendingPool.waits,
      exception_latency_mean_us: ec > 0 ? this.counters.copyLatencyNsSum / ec / 1e3 : 0,
      ...this.counters,
      ...(this.features.discardZeroesCow ? { discard_zeroes: this.discardZeroes } : {}),
      store_stats: this.store.stats(),
      lock: this.locks.stats(),
      kcopyd: {
        ...kc.stats,
        pages_max_in_use: kc.pool.maxInUse,
        page_starvations: kc.pool.starvations,
        requeues: kc.workers.reduce((n, w) => n + w.requeues, 0),
        passes: kc.workers.reduce((n, w) => n + w.passes, 0),
        throttle_sleeps: kc.throttle.sleeps,
      },
    };
  }
}
