// struct dm_bufio_client: a cache of fixed-size metadata blocks of one device with its own
// I/O through dm-io (dm-bufio.c). The locking of each era (params.ts) is the point of the
// model: who holds the client lock (c->lock) while waiting for I/O decides who stalls behind
// a commit (docs/references.md#bufio-locking, #bufio-write-dirty, #bufio-flusher-blocks-writer).
//
// - 3.2:  every operation takes the client mutex; write_dirty_buffers submits its writes
//         holding it, so a full device queue stalls every other user of the client.
// - 3.15: the same lock on every operation, hits included, but writes are gathered on a
//         write_list under the lock and submitted outside it.
// - 6.4:  a hit takes a shared lock on one of up to 64 shards and never the client lock;
//         misses, dirtying and write_dirty_buffers still take it. LRU becomes a clock.
// In every era write_dirty_buffers waits for the first N buffers with the lock dropped and
// for the rest with it held (the livelock guard), and evicting a dirty victim writes it
// synchronously under the lock.
//
// Costs: only I/O and lock waits take simulated time; the CPU cost of the cache operations
// themselves is not modelled.
import { REQ_SYNC } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import { mediaOf } from '../../block/power-cut.js';
import { Mutex, RwLock, type ProcessGenerator, type SimEvent, type Simulation } from '../../sim/index.js';
import { dmIo } from '../dm-io.js';
import { DmBuffer } from './buffer.js';
import { BufferList } from './lru.js';
import { BufferTable } from './buffer-table.js';
import { BlockMedia } from './media.js';
import type { BufioLocking, BufioParams, BufioWriteback } from './params.js';

/** DM_BUFIO_WRITEBACK_RATIO: background writeback when dirty > 3 x clean (4.18 on). */
export const DM_BUFIO_WRITEBACK_RATIO = 3;
/** DM_BUFIO_WRITEBACK_PERCENT: background writeback when dirty > 75 % of the limit (before). */
export const DM_BUFIO_WRITEBACK_PERCENT = 75;
/** DM_HASH_LOCKS_MAX and the shard hash (dm.h). */
export const DM_HASH_LOCKS_MAX = 64;
const DM_HASH_LOCKS_MULT = 4294967291;
const DM_HASH_LOCKS_SHIFT = 6;

export interface BufioClientOptions<T> extends Partial<BufioParams> {
  dev: BlockDevice;
  /** Block size in bytes (a multiple of 512). */
  blockSize: number;
  /** First sector of block 0 on the device. */
  startSector?: number;
  /** Copies a block's content (taken when a write is submitted and when a read completes). */
  copy: (data: T) => T;
  /** The device's content; give one to share it between clients or across a re-open. */
  media?: BlockMedia<T>;
  name?: string;
}

type NewFlag = 'read' | 'get' | 'fresh';

export interface BufioStats {
  hits: number;
  misses: number;
  reads: number;
  writes: number;
  flushes: number;
  /** Victims evicted clean / written synchronously under the lock first. */
  evictedClean: number;
  evictedDirty: number;
  /** Background writebacks started by __check_watermark. */
  watermarkWritebacks: number;
  /** write_dirty_buffers: waits on a writing buffer with the lock dropped / held. */
  waitsUnlocked: number;
  waitsLocked: number;
  /** ns spent waiting on I/O while holding the client lock (all causes). */
  lockedIoWaitNs: number;
}

export class DmBufioClient<T = unknown> {
  readonly sim: Simulation;
  readonly dev: BlockDevice;
  readonly blockSize: number;
  readonly sectorsPerBlock: number;
  readonly startSector: number;
  readonly locking: BufioLocking;
  readonly writeback: BufioWriteback;
  readonly maxBuffers: number;
  readonly media: BlockMedia<T>;
  readonly name: string;
  /** c->lock: the client mutex. */
  readonly lock: Mutex;
  /** 6.4: the buffer cache's shard locks (dm_buffer_cache.locks). */
  readonly shards: RwLock[];
  readonly stats: BufioStats = {
    hits: 0, misses: 0, reads: 0, writes: 0, flushes: 0, evictedClean: 0, evictedDirty: 0,
    watermarkWritebacks: 0, waitsUnlocked: 0, waitsLocked: 0, lockedIoWaitNs: 0,
  };
  private readonly cache = new BufferTable<T>();
  private readonly clean = new BufferList<T>('clean');
  private readonly dirty = new BufferList<T>('dirty');
  private readonly copy: (data: T) => T;
  /** free_buffer_wait: sleepers waiting for a buffer to become unclaimed. */
  private freeWaiters: SimEvent<undefined>[] = [];
  /** async_write_error, reported by the next write_dirty_buffers. */
  private asyncWriteError: string | null = null;

  constructor(sim: Simulation, opts: BufioClientOptions<T>) {
    this.sim = sim;
    this.dev = opts.dev;
    this.blockSize = opts.blockSize;
    this.sectorsPerBlock = opts.blockSize / 512;
    this.startSector = opts.startSector ?? 0;
    this.locking = opts.locking ?? '6.4';
    this.writeback = opts.writeback ?? 'ratio';
    this.maxBuffers = opts.cacheBlocks ?? 20480;
    this.copy = opts.copy;
    this.media = opts.media ?? new BlockMedia<T>(opts.copy);
    const where = mediaOf(opts.dev);
    if (where !== null) {
      const start = where.offsetSectors + this.startSector;
      const spb = this.sectorsPerBlock;
      this.media.trackDurability(where.cache, (b) => start + b * spb);
    }
    this.name = opts.name ?? `bufio-${opts.dev.name}`;
    this.lock = new Mutex(sim, `${this.name}.lock`);
    const cpus = opts.cpus ?? 2;
    const nShards = this.locking === '6.4' ? Math.min(2 * roundupPow2(cpus), DM_HASH_LOCKS_MAX) : 0;
    this.shards = [];
    for (let i = 0; i < nShards; i++) this.shards.push(new RwLock(sim, `${this.name}.shard${i}`));
  }

  get nrBuffers(): number {
    return this.cache.size;
  }

  get nrDirtyList(): number {
    return this.dirty.length;
  }

  /** Buffers with B_DIRTY set. */
  get nrDirty(): number {
    let n = 0;
    for (let b = this.dirty.tail; b !== null; b = b.newer) if (b.dirty) n++;
    return n;
  }

  /** The cached buffer of `block`, without any locking or accounting (tests, checkers). */
  peek(block: number): DmBuffer<T> | undefined {
    return this.cache.get(block);
  }

  // ---------------------------------------------------------------- the public calls

  /** dm_bufio_read: the block, read from the device on a miss; hold it until release(). */
  *read(block: number): ProcessGenerator<DmBuffer<T>> {
    return this.tryRead(block) ?? ((yield* this.newRead(block, 'read')) as DmBuffer<T>);
  }

  // The fast paths below are the same steps as the generator calls in the case where nothing
  // waits, done without a generator frame (hot: every btree node a lookup or insert touches).
  // Each either does the whole call or nothing, so a caller falls back to the generator.

  /** read() when it completes at once (3.2-6.3: a hit with the client lock free: lock, hit, hold, relink, unlock); else null, nothing done. */
  tryRead(block: number): DmBuffer<T> | null {
    const b = this.readableNow(block);
    if (b === null) return null;
    this.readHit(b);
    return b;
  }

  /** Whether tryRead(block) would succeed now. */
  canReadNow(block: number): boolean {
    return this.readableNow(block) !== null;
  }

  /**
   * The buffer tryRead(block) would return, found without taking it (no lock, no accounting,
   * the LRU order unchanged); else null. readHit(b) then completes the read.
   */
  readableNow(block: number): DmBuffer<T> | null {
    if (this.locking === '6.4' || this.lock.locked) return null; // 6.4: the shard lock is always a yield
    const b = this.cache.get(block);
    return b === undefined || b.reading ? null : b;
  }

  /** dm_bufio_read's hit, for a buffer readableNow() just gave: lock, hit, hold, relink, unlock. */
  readHit(b: DmBuffer<T>): void {
    this.lock.tryLock();
    this.stats.hits++;
    b.holdCount++;
    this.relink(b, b.dirty || b.writing ? 'dirty' : 'clean');
    this.lock.unlock();
  }

  /** Whether markDirty() and release() would take the client lock at once (never under 6.4, whose release takes a shard lock). */
  get canReleaseNow(): boolean {
    return this.locking !== '6.4' && !this.lock.locked;
  }

  /** release() when the client lock is free; else false, nothing done. */
  tryRelease(b: DmBuffer<T>): boolean {
    if (this.locking === '6.4' || !this.lock.tryLock()) return false;
    this.put(b);
    this.lock.unlock();
    return true;
  }

  /** markDirty() when the client lock is free; else false, nothing done. */
  tryMarkDirty(b: DmBuffer<T>): boolean {
    if (!this.lock.tryLock()) return false;
    if (!b.dirty) {
      b.dirty = true;
      if (b.list !== 'dirty') this.relink(b, 'dirty');
    }
    this.lock.unlock();
    return true;
  }

  /** dm_bufio_get: the block if it is cached (and not being read), else null. */
  *get(block: number): ProcessGenerator<DmBuffer<T> | null> {
    return yield* this.newRead(block, 'get');
  }

  /** dm_bufio_new: a buffer for the block without reading it (its content is about to be overwritten). */
  *newBuffer(block: number): ProcessGenerator<DmBuffer<T>> {
    return (yield* this.newRead(block, 'fresh')) as DmBuffer<T>;
  }

  /** dm_bufio_release. */
  *release(b: DmBuffer<T>): ProcessGenerator<void> {
    if (this.tryRelease(b)) return;
    if (this.locking === '6.4') {
      // cache_put_and_wake: the shard lock only.
      yield* this.shardTouch(b.block);
      this.put(b);
      return;
    }
    if (!this.lock.tryLock()) yield this.lock.lock();
    this.put(b);
    this.lock.unlock();
  }

  /** dm_bufio_mark_buffer_dirty: takes the client lock in every era. */
  *markDirty(b: DmBuffer<T>): ProcessGenerator<void> {
    if (this.tryMarkDirty(b)) return;
    yield this.lock.lock();
    if (!b.dirty) {
      b.dirty = true;
      if (b.list !== 'dirty') this.relink(b, 'dirty');
    }
    this.lock.unlock();
  }

  /** dm_bufio_write_dirty_buffers (docs/references.md#bufio-write-dirty), without the flush. */
  *writeDirtyBuffers(): ProcessGenerator<string | null> {
    yield this.lock.lock();
    if (this.locking === '3.2') {
      yield* this.writeDirtyBuffersAsync(false, null);
    } else {
      const writeList: DmBuffer<T>[] = [];
      yield* this.writeDirtyBuffersAsync(false, writeList);
      this.lock.unlock();
      yield* this.flushWriteList(writeList);
      yield this.lock.lock();
    }
    let processed = 0;
    // The walk restarts from the oldest dirty buffer after every wait with the lock dropped.
    again: for (;;) {
      for (const b of this.dirty.oldestFirst()) {
        if (b.list !== 'dirty') continue; // relinked meanwhile
        if (processed < this.dirty.length) processed++;
        let droppedLock = false;
        if (b.writing) {
          if (processed < this.dirty.length) {
            droppedLock = true;
            b.holdCount++;
            this.lock.unlock();
            this.stats.waitsUnlocked++;
            while (b.writing) yield b.waitIo(this.sim);
            yield this.lock.lock();
            b.holdCount--;
          } else {
            // Past the first N: wait with the lock held, so concurrent dirtiers cannot
            // livelock the walk ("we count the number of buffers walked").
            this.stats.waitsLocked++;
            yield* this.waitIoLocked(b);
          }
        }
        if (!b.dirty && !b.writing && b.list === 'dirty') this.relink(b, 'clean');
        if (droppedLock) continue again;
      }
      break;
    }
    this.wakeFreeWaiters();
    this.lock.unlock();
    const err = this.asyncWriteError;
    this.asyncWriteError = null;
    return err;
  }

  /** dm_bufio_issue_flush: an empty REQ_PREFLUSH write, synchronous. */
  *issueFlush(): ProcessGenerator<string | null> {
    this.stats.flushes++;
    const done = yield* dmIo(this.sim, { op: 'flush', flags: REQ_SYNC, regions: [{ dev: this.dev, sector: 0, count: 0 }] });
    return (yield done) as string | null;
  }

  /** dm_bufio_write_dirty_buffers followed by dm_bufio_issue_flush, as the block manager calls them. */
  *writeDirtyBuffersAndFlush(): ProcessGenerator<string | null> {
    const a = yield* this.writeDirtyBuffers();
    const f = yield* this.issueFlush();
    return a ?? f;
  }

  /**
   * Writes the dirty buffers of exactly these blocks and waits for them, never holding the
   * client lock across a wait. This is the copy-on-write commit's write-out (pdata.commit:
   * cow), not a kernel call: the blocks are a frozen transaction's, which nobody changes any
   * more, so their writes need no lock once listed. Blocks no longer cached were written when
   * they were evicted.
   */
  *writeBlocks(blocks: Iterable<number>): ProcessGenerator<string | null> {
    yield this.lock.lock();
    const toWrite: DmBuffer<T>[] = [];
    const held: DmBuffer<T>[] = [];
    for (const block of blocks) {
      const b = this.cache.get(block);
      if (b === undefined || (!b.dirty && !b.writing)) continue;
      b.holdCount++;
      held.push(b);
      if (b.dirty) {
        b.dirty = false;
        toWrite.push(b);
      }
    }
    this.lock.unlock();
    let error: string | null = null;
    for (const b of toWrite) {
      while (b.writing) yield b.waitIo(this.sim); // an earlier write of it, lock not held
      b.writing = true;
      yield* this.submitWrite(b);
    }
    for (const b of held) {
      while (b.writing) yield b.waitIo(this.sim);
      error ??= b.writeError;
    }
    yield this.lock.lock();
    for (const b of held) {
      b.holdCount--;
      if (!b.dirty && !b.writing && b.list === 'dirty') this.relink(b, 'clean');
    }
    this.wakeFreeWaiters();
    this.lock.unlock();
    return error;
  }

  // ---------------------------------------------------------------- new_read and its helpers

  private *newRead(block: number, nf: NewFlag): ProcessGenerator<DmBuffer<T> | null> {
    let b: DmBuffer<T> | null = null;
    let needSubmit = false;
    if (this.locking === '6.4') {
      // cache_get: "No need to get the client lock for this."
      yield* this.shardTouch(block);
      const found = this.cache.get(block);
      if (found !== undefined) {
        if (nf === 'get' && found.reading) return null;
        found.holdCount++;
        found.referenced = true;
        this.stats.hits++;
        b = found;
      } else if (nf === 'get') {
        return null;
      }
    }
    if (b === null) {
      yield this.lock.lock();
      const writeList: DmBuffer<T>[] | null = this.locking === '3.2' ? null : [];
      const r = yield* this.bufioNew(block, nf, writeList);
      this.lock.unlock();
      if (writeList !== null) yield* this.flushWriteList(writeList);
      if (r === null) return null;
      b = r.b;
      needSubmit = r.needSubmit;
    }
    if (needSubmit) yield* this.submitRead(b);
    while (b.reading) yield b.waitIo(this.sim);
    return b;
  }

  /** __bufio_new, under the client lock. */
  private *bufioNew(block: number, nf: NewFlag, writeList: DmBuffer<T>[] | null): ProcessGenerator<{ b: DmBuffer<T>; needSubmit: boolean } | null> {
    let b = this.cache.get(block);
    if (b === undefined) {
      if (nf === 'get') return null;
      yield* this.allocBufferWait();
      // The lock may have been dropped while waiting: someone else may have read the block.
      b = this.cache.get(block);
      if (b === undefined) {
        this.stats.misses++;
        yield* this.checkWatermark(writeList);
        b = new DmBuffer<T>(block, undefined);
        b.holdCount = 1;
        this.cache.set(block, b);
        this.clean.pushHead(b);
        if (nf === 'fresh') {
          b.data = undefined;
          return { b, needSubmit: false };
        }
        b.reading = true;
        return { b, needSubmit: true };
      }
    }
    // found_buffer
    if (nf === 'get' && b.reading) return null;
    this.stats.hits++;
    b.holdCount++;
    if (this.locking === '6.4') b.referenced = true;
    else this.relink(b, b.dirty || b.writing ? 'dirty' : 'clean');
    return { b, needSubmit: false };
  }

  /**
   * __alloc_buffer_wait: a new buffer while the client is under its share of the cache,
   * else an unclaimed one (clean first, then dirty, written synchronously under the lock),
   * else sleep on free_buffer_wait with the lock dropped.
   */
  private *allocBufferWait(): ProcessGenerator<void> {
    for (;;) {
      if (this.cache.size < this.maxBuffers) return;
      const victim = yield* this.getUnclaimedBuffer();
      if (victim !== null) return;
      const ev = this.sim.event<undefined>();
      this.freeWaiters.push(ev);
      this.lock.unlock();
      yield ev;
      yield this.lock.lock();
    }
  }

  /** __get_unclaimed_buffer: evicts the oldest unheld clean buffer, else a dirty one. */
  private *getUnclaimedBuffer(): ProcessGenerator<DmBuffer<T> | null> {
    const clock = this.locking === '6.4';
    const idle = (b: DmBuffer<T>) => b.holdCount === 0 && !b.reading && !b.writing && !b.dirty;
    let b = this.clean.evict(idle, clock);
    // A buffer whose write completed is still on the dirty list: it is as good as clean.
    if (b === null) b = this.dirty.evict(idle, clock);
    if (b !== null) {
      this.stats.evictedClean++;
      this.unlinkBuffer(b);
      return b;
    }
    for (;;) {
      b = this.dirty.evict((x) => x.holdCount === 0, clock);
      if (b === null) return null;
      // __make_buffer_clean: wait for a read, write a dirty buffer and wait for it, all with
      // the client lock held.
      this.stats.evictedDirty++;
      if (b.reading) yield* this.waitIoLocked(b);
      yield* this.writeDirtyBuffer(b, null);
      if (b.writing) yield* this.waitIoLocked(b);
      // A 6.4 hit (shard lock only) may have taken it, or a holder re-dirtied it, meanwhile.
      if (b.holdCount === 0 && !b.dirty && !b.writing) {
        this.unlinkBuffer(b);
        return b;
      }
    }
  }

  /** __check_watermark: background writeback of the oldest dirty buffers. */
  private *checkWatermark(writeList: DmBuffer<T>[] | null): ProcessGenerator<void> {
    const nDirty = this.dirty.length;
    const over = this.writeback === 'ratio'
      ? nDirty > this.clean.length * DM_BUFIO_WRITEBACK_RATIO
      : nDirty > Math.floor((this.maxBuffers * DM_BUFIO_WRITEBACK_PERCENT) / 100);
    if (!over) return;
    this.stats.watermarkWritebacks++;
    yield* this.writeDirtyBuffersAsync(true, writeList);
  }

  /** __write_dirty_buffers_async: writes (or lists) every dirty buffer, oldest first. */
  private *writeDirtyBuffersAsync(noWait: boolean, writeList: DmBuffer<T>[] | null): ProcessGenerator<void> {
    for (const b of this.dirty.oldestFirst()) {
      if (noWait && b.writing) return;
      if (b.list !== 'dirty') continue;
      yield* this.writeDirtyBuffer(b, writeList);
    }
  }

  /**
   * __write_dirty_buffer: clears B_DIRTY and takes B_WRITING, sleeping (with the client lock
   * held) while an earlier write of the buffer is in flight; then submits or lists the write.
   */
  private *writeDirtyBuffer(b: DmBuffer<T>, writeList: DmBuffer<T>[] | null): ProcessGenerator<void> {
    if (!b.dirty) return;
    b.dirty = false;
    if (b.writing) yield* this.waitIoLocked(b);
    b.writing = true;
    if (writeList === null) yield* this.submitWrite(b);
    else writeList.push(b);
  }

  /** __flush_write_list: submits the listed writes (outside the lock, in a plug). */
  private *flushWriteList(writeList: DmBuffer<T>[]): ProcessGenerator<void> {
    for (const b of writeList) yield* this.submitWrite(b);
  }

  private *submitWrite(b: DmBuffer<T>): ProcessGenerator<void> {
    this.stats.writes++;
    const data = b.data === undefined ? undefined : this.copy(b.data);
    const self = this;
    // Under a power-cut model the write names the version it carries (media.ts).
    const token = this.media.tracksDurability ? this.media.nextWriteToken() : 0;
    yield* dmIo(this.sim, {
      op: 'write',
      regions: [{ dev: this.dev, sector: this.startSector + b.block * this.sectorsPerBlock, count: this.sectorsPerBlock }],
      payload: token === 0 ? undefined : { fingerprint: token, blocks: 'same', compressPercentage: 0 },
      notify(error) {
        // write_endio
        if (error === null) self.media.put(b.block, data, token);
        else {
          b.writeError = error;
          self.asyncWriteError ??= error;
        }
        b.writing = false;
        b.ioDone();
      },
    });
  }

  private *submitRead(b: DmBuffer<T>): ProcessGenerator<void> {
    this.stats.reads++;
    const self = this;
    yield* dmIo(this.sim, {
      op: 'read',
      regions: [{ dev: this.dev, sector: this.startSector + b.block * this.sectorsPerBlock, count: this.sectorsPerBlock }],
      notify(error) {
        // read_endio
        if (error === null) b.data = self.media.get(b.block);
        else b.readError = error;
        b.reading = false;
        b.ioDone();
      },
    });
  }

  // ---------------------------------------------------------------- small pieces

  /** Waits for the buffer's I/O while holding the client lock, counting the time. */
  private *waitIoLocked(b: DmBuffer<T>): ProcessGenerator<void> {
    const t0 = this.sim.now;
    while (b.reading || b.writing) yield b.waitIo(this.sim);
    this.stats.lockedIoWaitNs += this.sim.now - t0;
  }

  /** 6.4: take and drop one shard's lock (nothing inside takes simulated time). */
  private *shardTouch(block: number): ProcessGenerator<void> {
    const s = this.shards[shardIndex(block, this.shards.length)];
    yield s.readLock();
    s.readUnlock();
  }

  private put(b: DmBuffer<T>): void {
    if (b.holdCount <= 0) throw new Error(`${this.name}: release of block ${b.block}, which is not held`);
    b.holdCount--;
    if (b.holdCount === 0) this.wakeFreeWaiters();
  }

  private wakeFreeWaiters(): void {
    if (this.freeWaiters.length === 0) return;
    const ws = this.freeWaiters;
    this.freeWaiters = [];
    for (const ev of ws) ev.succeed(undefined);
  }

  private relink(b: DmBuffer<T>, to: 'clean' | 'dirty'): void {
    const list = to === 'clean' ? this.clean : this.dirty;
    if (list.head === b) return; // already the newest of that list: moving it changes nothing
    (b.list === 'clean' ? this.clean : this.dirty).remove(b);
    list.pushHead(b);
  }

  private unlinkBuffer(b: DmBuffer<T>): void {
    (b.list === 'clean' ? this.clean : this.dirty).remove(b);
    this.cache.delete(b.block);
  }
}

function roundupPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** dm_hash_locks_index: the shard of a block. */
export function shardIndex(block: number, nShards: number): number {
  if (nShards <= 1) return 0;
  const hi = Math.floor(block / 2 ** DM_HASH_LOCKS_SHIFT) >>> 0;
  // Only the low bits of the 64-bit product survive the mask: Math.imul has them.
  return (Math.imul(hi, DM_HASH_LOCKS_MULT | 0) >>> DM_HASH_LOCKS_SHIFT) & (nShards - 1);
}
