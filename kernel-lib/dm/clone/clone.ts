// struct clone and its I/O paths (dm-clone-target.c). The target's address space is cut into
// regions of `region size` sectors (dm core splits bios at region boundaries, max_io_len, all
// but discards: those arrive whole, cut only by the discard limits, clone-target.ts);
// each region is either still on the source device or hydrated (copied) onto the destination:
//   - a bio to a hydrated region goes to the destination;
//   - a read of an unhydrated region goes to the source;
//   - a write to an unhydrated region starts the region's hydration and waits for it: an
//     exactly full-region write is written to the destination as the hydration itself (no
//     copy); any other write waits while kcopyd copies the whole region, then is issued;
//   - a discard marks the whole regions it covers hydrated without copying (and is passed
//     down once, trimmed to them);
//   - a FLUSH or FUA bio after a change of the region map waits for a metadata commit.
// The worker (do_worker, clone-worker.ts) issues deferred bios, processes discards, commits
// for flush bios (or every second), then hydrates in the background, but only while no user
// I/O is in flight, at most `hydration_threshold` regions at a time, copying
// `hydration_batch_size` adjacent regions per kcopyd job.
import { Bio, REQ_FUA, REQ_PREFLUSH } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import { beforeSleep, blkFinishPlug, blkStartPlug } from '../../block/plug.js';
import { chargeCpu, type CpuSet, type Thread } from '../../sim/cpu.js';
import { Deque, Mutex, Workqueue, type ProcessGenerator, type SimEvent, type Simulation } from '../../sim/index.js';
import type { SpinLock } from '../../sim/spinlock.js';
import { dmIo } from '../dm-io.js';
import { cpuOf, KcopydClient } from '../kcopyd/client.js';
import type { KcopydParams } from '../kcopyd/params.js';
import { JOB_DONE } from '../kernel-worker.js';
import type { CloneMetadata } from './clone-metadata.js';
import { doHydration } from './background-hydration.js';
import { CloneWorker } from './clone-worker.js';
import { HydrationHash } from './hydration-hash.js';
import { HydrationPool } from './hydration-pool.js';
import type { CloneParams } from './params.js';
import { RegionHydration } from './region-hydration.js';

/** COMMIT_PERIOD: the waker commits (and restarts hydration) every second. */
export const COMMIT_PERIOD_NS = 1e9;

export type CloneMode = 'rw' | 'ro' | 'fail';

export interface CloneOptions {
  hydrationEnabled: boolean;
  discardPassdown: boolean;
  hydrationThreshold: number;
  hydrationBatchSize: number;
}

/** dm core's per-clone hook that clone_endio is: the bio's own end_io and private, kept aside. */
class CloneTio {
  constructor(
    readonly clone: Clone,
    readonly endIo: ((b: Bio) => void) | null,
    readonly priv: unknown,
  ) {}
}

/** clone_endio: one fewer user I/O in flight, then dm core's completion. */
function cloneEndio(bio: Bio): void {
  const tio = bio.private as CloneTio;
  bio.private = tio.priv;
  bio.endIo = tio.endIo;
  tio.clone.iosInFlight--;
  if (tio.endIo !== null) tio.endIo(bio);
}

/**
 * overwrite_endio: the full-region write is the region's hydration. The bio gets its own
 * end_io (and the model's per-bio data) back, and may be ended again, as bio_endio allows once
 * bi_end_io is restored: complete_overwrite_bio ends it now, or after a commit if it is FUA.
 */
function overwriteEndio(bio: Bio): void {
  const hd = bio.private as RegionHydration;
  bio.endIo = hd.overwriteBioEndIo;
  bio.private = hd.overwriteBioPrivate;
  hd.status = bio.status;
  bio.tComplete = NaN;
  (hd.owner as Clone).hydrationComplete(hd, bio.completionCpu >= 0 ? bio.completionCpu : bio.cpu);
}

/** hydration_kcopyd_callback, run in the kcopyd worker. */
function* hydrationKcopydCallback(readErr: boolean, writeErr: boolean, context: unknown, worker: Thread): ProcessGenerator<void> {
  const hd = context as RegionHydration;
  const c = hd.owner as Clone;
  const status = readErr || writeErr ? 'EIO' : null;
  const cpu = cpuOf(worker);
  hd.status = status;
  c.hydrationComplete(hd, cpu);
  if (hd.batch !== null) {
    for (const b of hd.batch) {
      b.status = status;
      c.hydrationComplete(b, cpu);
    }
  }
  // Continue background hydration if no user I/O is in flight.
  if (c.hydrationEnabled && c.iosInFlight === 0) c.worker.wake(cpu);
}

export interface CloneCounters {
  /** Regions hydrated by copying for a user write (the write waited). */
  writeHydrations: number;
  /** Regions hydrated by a full-region write (no copy). */
  overwrites: number;
  /** Regions hydrated in the background. */
  backgroundHydrations: number;
  /** kcopyd jobs and the sectors they copied. */
  copies: number;
  sectorsCopied: number;
  /** Reads sent to the source / to the destination. */
  sourceReads: number;
  destReads: number;
  /** Bios deferred behind a hydration in flight. */
  deferredOnHydration: number;
  /** Regions a discard marked hydrated. */
  discardedRegions: number;
  /** Metadata commits, those for FLUSH/FUA and those of the periodic waker. */
  commits: number;
  flushCommits: number;
  periodicCommits: number;
  /** Sum of the simulated time write hydrations took (ns). */
  writeHydrationNs: number;
}

export class Clone {
  mode: CloneMode = 'rw';
  hydrationEnabled: boolean;
  discardPassdown: boolean;
  hydrationSuspended = true;
  hydrationThreshold: number;
  hydrationBatchSize: number;
  /** Which region to hydrate next. */
  hydrationOffset = 0;
  /** User bios mapped and not yet completed (ios_in_flight). */
  iosInFlight = 0;
  /** Hydrations in flight, plus one while do_hydration runs (hydrations_in_flight). */
  hydrationsInFlight = 0;
  lastCommit = 0;
  readonly nrRegions: number;
  readonly deferredBios = new Deque<Bio>();
  readonly deferredDiscards = new Deque<Bio>();
  readonly deferredFlushBios = new Deque<Bio>();
  readonly deferredFlushCompletions = new Deque<Bio>();
  readonly hash: HydrationHash;
  /** The hydration mempool (hydration-pool.ts). */
  readonly pool: HydrationPool;
  readonly kc: KcopydClient;
  readonly worker: CloneWorker;
  readonly commitLock: Mutex;
  readonly counters: CloneCounters = {
    writeHydrations: 0, overwrites: 0, backgroundHydrations: 0, copies: 0, sectorsCopied: 0, sourceReads: 0, destReads: 0,
    deferredOnHydration: 0, discardedRegions: 0, commits: 0, flushCommits: 0, periodicCommits: 0, writeHydrationNs: 0,
  };
  /** Regions a discard hydrated: they hold no data by design (the power-cut check exempts them). */
  readonly discardedRegions = new Set<number>();
  /** (simulated ns, hydrated regions) at setup and at every waker tick: hydration progress. */
  readonly progress: { t: number; hydrated: number }[] = [];
  /** Runs when the target's setup (metadata format) is done. */
  readonly setup: SimEvent<unknown>;
  private ready = false;
  /** The metadata device held a clone's metadata, re-opened rather than formatted. */
  opened = false;
  private hydrationStopped: SimEvent<undefined> | null = null;
  /** The worker's job function for deferred bios (made once: no closure per bio). */
  readonly submitDeferred: (bio: Bio, t: Thread) => ProcessGenerator<number>;

  constructor(
    readonly sim: Simulation,
    readonly cpus: CpuSet,
    readonly name: string,
    readonly begin: number,
    readonly lengthSectors: number,
    readonly metadataDev: BlockDevice,
    readonly dest: BlockDevice,
    readonly source: BlockDevice,
    readonly regionSize: number,
    readonly cmd: CloneMetadata,
    options: CloneOptions,
    readonly params: CloneParams,
    kcopyd: KcopydParams,
  ) {
    this.nrRegions = Math.ceil(lengthSectors / regionSize);
    this.hydrationEnabled = options.hydrationEnabled;
    this.discardPassdown = options.discardPassdown;
    this.hydrationThreshold = options.hydrationThreshold;
    this.hydrationBatchSize = options.hydrationBatchSize;
    this.hash = new HydrationHash(sim, params.bucketNs);
    this.pool = new HydrationPool(sim, params.memoryPressure);
    this.kc = new KcopydClient(sim, cpus, name, kcopyd);
    // alloc_workqueue("dm-clone", WQ_MEM_RECLAIM, 0): bound, the work item runs where queued.
    this.worker = new CloneWorker(new Workqueue(cpus, { name: `dm-clone-${name}`, bound: true }), this);
    this.commitLock = new Mutex(sim, `${name}.commit_lock`);
    const self = this;
    this.submitDeferred = function* (bio: Bio, t: Thread): ProcessGenerator<number> {
      bio.thread = t;
      yield* self.dest.submit(bio);
      return JOB_DONE;
    };
    // clone_ctr opens the metadata (formats a device that holds none); resume starts the waker.
    this.setup = cpus.thread(`${name}.dmsetup`).spawn(function* () {
      self.opened = (yield* self.cmd.openOrFormat()) === 'opened';
      self.lastCommit = sim.now;
      self.ready = true;
      self.resume();
    });
  }

  /**
   * clone_map. `offset` is the bio's sector in the target. hydrate_bio_region's common steps
   * (the bucket lock, the look-up, starting the hydration) are inline here: they run for every
   * first write to a region, and a generator per call is an allocation and one more level for
   * every event below to resume through.
   */
  *map(clone: Bio, offset: number): ProcessGenerator<BlockDevice | null> {
    const thread = clone.thread;
    if (!this.ready) yield beforeSleep(thread, this.setup);
    this.iosInFlight++;
    clone.private = new CloneTio(this, clone.endIo, clone.private);
    clone.endIo = cloneEndio;
    const cost = chargeCpu(this.sim, thread, this.params.mapNs);
    if (cost !== null) yield cost;
    if (this.mode === 'fail') {
      clone.endio(this.sim, 'EIO');
      return null;
    }
    if (clone.op === 'flush' || (clone.sectors === 0 && clone.hasFlag(REQ_PREFLUSH))) {
      // REQ_PREFLUSH bios carry no data: commit if the metadata changed, then pass down.
      const g = this.issueBio(clone);
      if (g !== null) yield* g;
      return null;
    }
    clone.sector = offset;
    if (clone.op === 'discard') {
      yield* this.processDiscardBio(clone);
      return null;
    }
    const region = Math.floor(offset / this.regionSize);
    if (this.cmd.isRegionHydrated(region)) {
      if (clone.op === 'read') this.counters.destReads++;
      const g = this.issueBio(clone);
      if (g !== null) yield* g;
      return null;
    }
    if (clone.op === 'read') {
      this.counters.sourceReads++;
      return this.source;
    }
    // hydrate_bio_region: start the region's hydration, or wait behind the one in flight.
    // bucket_lock_irqsave (HydrationHash.lock's steps).
    const hash = this.hash;
    const bucket = hash.bucketOf(region);
    const lock = hash.bucketLock(bucket);
    if (!lock.tryLock()) yield lock.lock();
    hash.lockings++;
    const bucketCost = chargeCpu(this.sim, thread, hash.opNs);
    if (bucketCost !== null) yield bucketCost;
    const hd = hash.findIn(bucket, region);
    if (hd !== undefined) {
      hd.defer(clone);
      this.counters.deferredOnHydration++;
      lock.unlock();
      return null;
    }
    if (this.cmd.isRegionHydrated(region)) {
      lock.unlock();
      const g = this.issueBio(clone);
      if (g !== null) yield* g;
      return null;
    }
    if (!this.pool.tryAlloc()) {
      yield* this.allocHydrationSleeping(clone, thread, region, lock);
      return null;
    }
    const overwrite = this.startHydration(clone, thread, region, bucket, lock);
    if (overwrite !== null) yield* this.dest.submit(overwrite);
    return null;
  }

  /** bio_triggers_commit: a FLUSH/FUA bio while the region map changed in this transaction. */
  private triggersCommit(bio: Bio): boolean {
    return (bio.op === 'flush' || bio.hasFlag(REQ_PREFLUSH | REQ_FUA)) && this.cmd.changedThisTransaction();
  }

  /**
   * issue_bio: to the destination, or, if it needs a commit first, to the worker. Returns the
   * destination's submission for the caller to run (`yield*`), or null when there is none:
   * no generator of its own, so the submission's events resume one level fewer.
   */
  issueBio(bio: Bio): ProcessGenerator<void> | null {
    if (!this.triggersCommit(bio)) return this.dest.submit(bio);
    if (this.mode !== 'rw') {
      bio.endio(this.sim, 'EIO');
      return null;
    }
    this.deferredFlushBios.push(bio);
    this.worker.wake(cpuOf(bio.thread));
    return null;
  }

  /** issue_deferred_bios: bios that waited for their region, back through the worker. */
  private issueDeferredBios(bios: readonly Bio[], cpu: number): void {
    if (bios.length === 0) return;
    for (const bio of bios) {
      if (this.triggersCommit(bio)) this.deferredFlushBios.push(bio);
      else this.deferredBios.push(bio);
    }
    this.worker.wake(cpu);
  }

  /** complete_overwrite_bio: a FUA overwrite completes only after a commit. */
  private completeOverwriteBio(bio: Bio, cpu: number): void {
    if (!bio.hasFlag(REQ_FUA)) {
      bio.endio(this.sim);
      return;
    }
    if (this.mode !== 'rw') {
      bio.endio(this.sim, 'EIO');
      return;
    }
    this.deferredFlushCompletions.push(bio);
    this.worker.wake(cpu);
  }

  /** bio_region_range: the regions a bio covers whole. */
  private regionRange(bio: Bio): [number, number] {
    return [Math.ceil(bio.sector / this.regionSize), Math.floor(bio.end / this.regionSize)];
  }

  /** complete_discard_bio: passed down trimmed to whole regions, or just completed. */
  *completeDiscardBio(bio: Bio, success: boolean): ProcessGenerator<void> {
    if (this.discardPassdown && success) {
      const [rs, re] = this.regionRange(bio);
      bio.sector = rs * this.regionSize;
      bio.sectors = (re - rs) * this.regionSize;
      yield* this.dest.submit(bio);
    } else {
      bio.endio(this.sim);
    }
  }

  /** process_discard_bio */
  private *processDiscardBio(bio: Bio): ProcessGenerator<void> {
    const [rs, re] = this.regionRange(bio);
    if (rs >= re) {
      bio.endio(this.sim);
      return;
    }
    if (this.cmd.isRangeHydrated(rs, re - rs)) {
      yield* this.completeDiscardBio(bio, true);
      return;
    }
    if (this.mode !== 'rw') {
      bio.endio(this.sim);
      return;
    }
    this.deferredDiscards.push(bio);
    this.worker.wake(cpuOf(bio.thread));
  }

  /**
   * alloc_hydration when the mempool sleeps: the kernel drops the bucket lock to allocate,
   * which may sleep, then takes it again and looks again. An allocation that does not sleep
   * (the slab, or the reserve not empty) leaves no window in the model, so only this path
   * drops the lock.
   */
  private *allocHydrationSleeping(bio: Bio, thread: Thread | null, region: number, held: SpinLock): ProcessGenerator<void> {
    held.unlock();
    yield* this.pool.alloc(thread);
    const lock = yield* this.hash.lock(thread, region);
    if (this.cmd.isRegionHydrated(region)) {
      lock.unlock();
      this.pool.free();
      const g = this.issueBio(bio);
      if (g !== null) yield* g;
      return;
    }
    const bucket = this.hash.bucketOf(region);
    const hd = this.hash.findIn(bucket, region);
    if (hd !== undefined) {
      // Someone else started the region's hydration meanwhile.
      hd.defer(bio);
      this.counters.deferredOnHydration++;
      lock.unlock();
      this.pool.free();
      return;
    }
    const overwrite = this.startHydration(bio, thread, region, bucket, lock);
    if (overwrite !== null) yield* this.dest.submit(overwrite);
  }

  /**
   * The end of hydrate_bio_region, with the bucket lock held and a hydration allocated: the
   * region's hydration goes into the hash; an exactly full-region write is issued as the
   * hydration itself (hydration_overwrite: the bio returned, hooked, for the caller to submit
   * to the destination), any other write waits while kcopyd copies the region (null returned).
   */
  private startHydration(bio: Bio, thread: Thread | null, region: number, bucket: number, lock: SpinLock): Bio | null {
    const hd = new RegionHydration(this, region, this.sim.now);
    this.hash.insertIn(bucket, hd);
    if (this.mode !== 'rw') {
      this.hash.remove(hd);
      lock.unlock();
      this.pool.free();
      bio.endio(this.sim, 'EIO');
      return null;
    }
    if (bio.op === 'write' && bio.sectors === this.regionSize) {
      // is_overwrite_bio: the write is the whole region; no copy. hydration_overwrite: the
      // bio itself goes to the destination, its end_io hooked to overwrite_endio.
      lock.unlock();
      hd.overwriteBio = bio;
      hd.overwriteBioEndIo = bio.endIo;
      hd.overwriteBioPrivate = bio.private;
      bio.endIo = overwriteEndio;
      bio.private = hd;
      this.hydrationsInFlight++;
      this.counters.overwrites++;
      return bio;
    }
    hd.defer(bio);
    lock.unlock();
    hd.forWrite = true;
    this.counters.writeHydrations++;
    this.hydrationCopy(hd, 1, thread);
    return null;
  }

  /** hydration_copy: kcopyd copies `n` regions from hd's on, source to destination. */
  hydrationCopy(hd: RegionHydration, n: number, thread: Thread | null): void {
    const start = hd.regionNr;
    const sector = start * this.regionSize;
    const count = Math.min(n * this.regionSize, this.lengthSectors - sector);
    this.hydrationsInFlight += n;
    this.counters.copies++;
    this.counters.sectorsCopied += count;
    this.kc.copy({ dev: this.source, sector, count }, [{ dev: this.dest, sector, count }], hydrationKcopydCallback, hd, thread);
  }

  /**
   * hydration_complete: mark the region hydrated (in core; committed later), take it out of
   * the hash, complete the overwrite bio and send the deferred ones on; the last hydration
   * wakes whoever waits for hydrations to stop.
   */
  hydrationComplete(hd: RegionHydration, cpu: number): void {
    let ok = hd.status === null && this.mode === 'rw';
    if (ok) ok = this.cmd.setRegionHydrated(hd.regionNr);
    this.hash.remove(hd);
    if (hd.forWrite) this.counters.writeHydrationNs += this.sim.now - hd.startedAt;
    if (ok) {
      if (hd.overwriteBio !== null) this.completeOverwriteBio(hd.overwriteBio, cpu);
      if (hd.deferredBios !== null) this.issueDeferredBios(hd.deferredBios, cpu);
    } else {
      const status = hd.status ?? 'EIO';
      if (hd.overwriteBio !== null) hd.overwriteBio.endio(this.sim, status);
      if (hd.deferredBios !== null) for (const b of hd.deferredBios) b.endio(this.sim, status);
    }
    this.pool.free();
    if (--this.hydrationsInFlight === 0) this.wakeupHydrationWaiters();
  }

  /** wakeup_hydration_waiters: the last hydration in flight finished (suspend waits for it). */
  wakeupHydrationWaiters(): void {
    const w = this.hydrationStopped;
    if (w !== null) {
      this.hydrationStopped = null;
      w.succeed(undefined);
    }
  }

  /** process_deferred_discards: mark the regions hydrated, then complete or pass down. */
  *processDeferredDiscards(t: Thread): ProcessGenerator<void> {
    if (this.deferredDiscards.length === 0) return;
    const discards: Bio[] = [];
    for (let b = this.deferredDiscards.shift(); b !== undefined; b = this.deferredDiscards.shift()) discards.push(b);
    let ok = this.mode === 'rw';
    if (ok) {
      for (const bio of discards) {
        const [rs, re] = this.regionRange(bio);
        const before = this.cmd.nrHydrated;
        for (let r = rs; r < re; r++) if (!this.cmd.isRegionHydrated(r)) this.discardedRegions.add(r);
        ok = this.cmd.condSetRange(rs, re - rs);
        this.counters.discardedRegions += this.cmd.nrHydrated - before;
        if (!ok) break;
      }
    }
    blkStartPlug(t);
    for (const bio of discards) {
      bio.thread = t;
      yield* this.completeDiscardBio(bio, ok);
    }
    blkFinishPlug(t);
  }

  /** process_deferred_flush_bios: commit, then complete the FUA overwrites and issue the flushes. */
  *processDeferredFlushBios(t: Thread): ProcessGenerator<void> {
    const periodic = this.cmd.changedThisTransaction() && this.sim.now - this.lastCommit >= COMMIT_PERIOD_NS;
    if (this.deferredFlushBios.length === 0 && this.deferredFlushCompletions.length === 0 && !periodic) return;
    const bios: Bio[] = [];
    const completions: Bio[] = [];
    for (let b = this.deferredFlushBios.shift(); b !== undefined; b = this.deferredFlushBios.shift()) bios.push(b);
    for (let b = this.deferredFlushCompletions.shift(); b !== undefined; b = this.deferredFlushCompletions.shift()) completions.push(b);
    const err = yield* this.commitMetadata(t, bios.length + completions.length > 0 ? 'flush' : 'periodic');
    if (err !== null) {
      for (const b of completions) b.endio(this.sim, 'EIO');
      for (const b of bios) b.endio(this.sim, 'EIO');
      return;
    }
    this.lastCommit = this.sim.now;
    for (const b of completions) b.endio(this.sim);
    for (const b of bios) {
      b.thread = t;
      yield* this.dest.submit(b);
    }
  }

  /**
   * commit_metadata: nothing when the region map did not change; otherwise (5.5 on) swap the
   * dirty maps, flush the destination so the hydrated regions' data is on stable media, and
   * only then write the metadata naming them. A failure turns the device read-only.
   */
  *commitMetadata(t: Thread | null, why: 'flush' | 'periodic' | 'suspend'): ProcessGenerator<string | null> {
    yield beforeSleep(t, this.commitLock.lock());
    let err: string | null = null;
    if (this.cmd.changedThisTransaction()) {
      if (this.mode !== 'rw') {
        err = 'EPERM';
      } else {
        if (this.params.preCommitFlush) {
          this.cmd.preCommit();
          const done = yield* dmIo(this.sim, { op: 'flush', flags: REQ_PREFLUSH, regions: [{ dev: this.dest, sector: 0, count: 0 }] });
          err = (yield beforeSleep(t, done)) as string | null;
        }
        if (err === null) err = yield* this.cmd.commit();
        if (err !== null) {
          this.mode = 'ro';
          this.cmd.readOnly = true;
        } else {
          this.counters.commits++;
          if (why === 'flush') this.counters.flushCommits++;
          else if (why === 'periodic') this.counters.periodicCommits++;
        }
      }
    }
    this.commitLock.unlock();
    return err;
  }

  /** do_hydration (background-hydration.ts). */
  doHydration(t: Thread): ProcessGenerator<void> {
    return doHydration(this, t);
  }

  /** clone_resume: background hydration may run; the waker starts (and runs at once). */
  resume(): void {
    this.hydrationSuspended = false;
    if (this.wakerRunning) return;
    this.wakerRunning = true;
    const self = this;
    this.sim.process(function* () {
      for (;;) {
        self.progress.push({ t: self.sim.now, hydrated: self.cmd.nrHydrated });
        // do_waker: wake the worker (a commit if one is due; hydration stopped by I/O restarts).
        self.worker.wake(0);
        yield self.sim.timeout(COMMIT_PERIOD_NS);
        if (self.hydrationSuspended) {
          self.wakerRunning = false;
          return;
        }
      }
    }, `${this.name}.waker`);
  }

  private wakerRunning = false;

  /** clone_postsuspend: stop background hydration, wait for hydrations in flight, commit. */
  *postsuspend(): ProcessGenerator<void> {
    this.hydrationSuspended = true;
    while (this.hydrationsInFlight > 0) {
      this.hydrationStopped ??= this.sim.event<undefined>();
      yield this.hydrationStopped;
    }
    yield* this.commitMetadata(null, 'suspend');
  }

  // dmsetup message handlers.
  setHydrationThreshold(n: number): void {
    this.hydrationThreshold = n;
    this.worker.wake(0);
  }

  setHydrationBatchSize(n: number): void {
    this.hydrationBatchSize = n;
  }

  enableHydration(): void {
    if (!this.hydrationEnabled) {
      this.hydrationEnabled = true;
      this.worker.wake(0);
    }
  }

  disableHydration(): void {
    this.hydrationEnabled = false;
  }
}
