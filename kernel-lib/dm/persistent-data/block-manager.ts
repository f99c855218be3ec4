// dm-block-manager.c: blocks of a metadata device through dm-bufio, each with a read/write
// lock of its own (the kernel keeps it in the buffer's aux data): readLock is shared,
// writeLock and writeLockZero exclusive, and unlocking a write-locked block marks its buffer
// dirty. flush() is dm_bm_flush: write every dirty buffer and flush the device cache.
// The lock is the kernel's own block_lock (below), not an rw_semaphore.
import { SimEvent } from '../../sim/event.js';
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import type { DmBuffer } from '../bufio/buffer.js';
import type { DmBufioClient } from '../bufio/client.js';
import { PdataError, type BlockData } from './block-data.js';

/** struct dm_block: a locked block. */
export class DmBlock {
  constructor(
    readonly location: number,
    readonly buffer: DmBuffer<BlockData>,
    readonly write: boolean,
  ) {}

  get data(): BlockData {
    const d = this.buffer.data;
    if (d === undefined) throw new PdataError('EINVAL', `block ${this.location} holds nothing (never written)`);
    return d;
  }

  set data(d: BlockData) {
    this.buffer.data = d;
  }
}

/**
 * struct block_lock (dm-block-manager.c): count > 0 readers, -1 a writer; waiters in FIFO
 * order, woken by __wake_many (a run of readers at the head, or one writer once the count is
 * 0). Lives while someone holds or waits for the block.
 */
class BlockLock {
  count = 0;
  private waiters: { write: boolean; ev: SimEvent<undefined> }[] | null = null;

  /** Null when granted at once (nobody holds it against us and nobody waits), else the event to wait on. */
  down(sim: Simulation, write: boolean): SimEvent<undefined> | null {
    const free = this.waiters === null || this.waiters.length === 0;
    if (free && (write ? this.count === 0 : this.count >= 0)) {
      this.count = write ? -1 : this.count + 1;
      return null;
    }
    const ev = new SimEvent<undefined>(sim);
    (this.waiters ??= []).push({ write, ev });
    return ev;
  }

  /** Whether down(write) would grant at once. */
  canDown(write: boolean): boolean {
    return (this.waiters === null || this.waiters.length === 0) && (write ? this.count === 0 : this.count >= 0);
  }

  get busy(): boolean {
    return this.count !== 0 || (this.waiters !== null && this.waiters.length > 0);
  }

  up(write: boolean): void {
    this.count = write ? 0 : this.count - 1;
    const ws = this.waiters;
    if (ws === null) return;
    // __wake_many
    while (ws.length > 0 && this.count >= 0) {
      const w = ws[0];
      if (w.write) {
        if (this.count > 0) return;
        ws.shift();
        this.count = -1;
        w.ev.succeed(undefined);
        return;
      }
      ws.shift();
      this.count++;
      w.ev.succeed(undefined);
    }
  }
}

/** The block's lock, kept on its buffer (the kernel keeps it in the buffer's aux data); the buffer is held while locked. */
function lockOf(buf: DmBuffer<BlockData>): BlockLock {
  let l = buf.aux as BlockLock | null;
  if (l === null) buf.aux = l = new BlockLock();
  return l;
}

export interface BlockManagerStats {
  readLocks: number;
  writeLocks: number;
  /** Lock acquisitions that had to wait for another holder. */
  lockWaits: number;
}

export class DmBlockManager {
  readonly stats: BlockManagerStats = { readLocks: 0, writeLocks: 0, lockWaits: 0 };

  constructor(
    readonly sim: Simulation,
    readonly bufio: DmBufioClient<BlockData>,
    /** dm_bm_nr_blocks */
    readonly nrBlocks: number,
  ) {}

  get blockSize(): number {
    return this.bufio.blockSize;
  }

  // Fast paths: the same steps as readLock/writeLock/unlock when nothing has to wait (the
  // buffer cached, the client lock free, the block lock granted), without generator frames.
  // Each does the whole call or nothing; can*Now says beforehand whether it would.

  /** Whether a read (write) lock of `b` would be granted at once. */
  canLockNow(b: number, write: boolean): boolean {
    return this.lockableNow(b, write) !== null;
  }

  /**
   * The buffer of `b` if a read (write) lock of it would be granted at once, found without
   * taking anything; else null. lockNow(buffer) then takes the lock.
   */
  lockableNow(b: number, write: boolean): DmBuffer<BlockData> | null {
    const buf = this.bufio.readableNow(b);
    if (buf === null) return null;
    const l = buf.aux as BlockLock | null;
    return l === null || l.canDown(write) ? buf : null;
  }

  /** dm_bm_read_lock / dm_bm_write_lock of a buffer lockableNow() just gave: the bufio hit and the block lock, no handle. */
  lockNow(buf: DmBuffer<BlockData>, write: boolean): void {
    this.bufio.readHit(buf);
    if (write) this.stats.writeLocks++;
    else this.stats.readLocks++;
    lockOf(buf).down(this.sim, write);
  }

  /** readLock (writeLock) when it is granted at once; else null, nothing done. */
  tryLock(b: number, write: boolean): DmBlock | null {
    const buf = this.lockableNow(b, write);
    if (buf === null) return null;
    this.lockNow(buf, write);
    return new DmBlock(b, buf, write);
  }

  /** Whether unlock() would complete at once. */
  get canUnlockNow(): boolean {
    return this.bufio.canReleaseNow;
  }

  /** unlock() when it completes at once; else false, nothing done. */
  tryUnlock(blk: DmBlock): boolean {
    if (!this.bufio.canReleaseNow) return false;
    this.unlockNow(blk.buffer, blk.write);
    return true;
  }

  /** dm_bm_unlock of a buffer locked by lockNow, once canUnlockNow said it completes at once. */
  unlockNow(buf: DmBuffer<BlockData>, write: boolean): void {
    const l = buf.aux as BlockLock | null;
    if (l === null) throw new Error(`block ${buf.block} unlocked but not locked`);
    l.up(write);
    if (write) this.bufio.tryMarkDirty(buf);
    this.bufio.tryRelease(buf);
  }

  /** dm_bm_read_lock */
  *readLock(b: number): ProcessGenerator<DmBlock> {
    const fast = this.tryLock(b, false);
    if (fast !== null) return fast;
    this.check(b);
    this.stats.readLocks++;
    const buf = yield* this.bufio.read(b);
    const ev = lockOf(buf).down(this.sim, false);
    if (ev !== null) {
      this.stats.lockWaits++;
      yield ev;
    }
    return new DmBlock(b, buf, false);
  }

  /** dm_bm_write_lock */
  *writeLock(b: number): ProcessGenerator<DmBlock> {
    const fast = this.tryLock(b, true);
    if (fast !== null) return fast;
    this.check(b);
    this.stats.writeLocks++;
    const buf = yield* this.bufio.read(b);
    const ev = lockOf(buf).down(this.sim, true);
    if (ev !== null) {
      this.stats.lockWaits++;
      yield ev;
    }
    return new DmBlock(b, buf, true);
  }

  /** dm_bm_write_lock_zero: the block's old content is not read; `init` is its new one. */
  *writeLockZero(b: number, init: BlockData): ProcessGenerator<DmBlock> {
    this.check(b);
    this.stats.writeLocks++;
    const buf = yield* this.bufio.newBuffer(b);
    const ev = lockOf(buf).down(this.sim, true);
    if (ev !== null) {
      this.stats.lockWaits++;
      yield ev;
    }
    buf.data = init;
    return new DmBlock(b, buf, true);
  }

  /** dm_bm_unlock: a write-locked block's buffer is marked dirty. */
  *unlock(blk: DmBlock): ProcessGenerator<void> {
    if (this.tryUnlock(blk)) return;
    const l = blk.buffer.aux as BlockLock | null;
    if (l === null) throw new Error(`block ${blk.location} unlocked but not locked`);
    l.up(blk.write);
    if (blk.write) yield* this.bufio.markDirty(blk.buffer);
    yield* this.bufio.release(blk.buffer);
  }

  /**
   * dm_bm_flush: every dirty buffer written, then the device cache flushed (not with
   * `cacheFlush` false: pdata.commitFlush, a broken order kept for study).
   */
  *flush(cacheFlush = true): ProcessGenerator<string | null> {
    return cacheFlush ? yield* this.bufio.writeDirtyBuffersAndFlush() : yield* this.bufio.writeDirtyBuffers();
  }

  /** Whether anybody holds or waits for the block's lock. */
  isLocked(b: number): boolean {
    const l = this.bufio.peek(b)?.aux as BlockLock | null | undefined;
    return l != null && l.busy;
  }

  private check(b: number): void {
    if (!(Number.isInteger(b) && b >= 0 && b < this.nrBlocks)) {
      throw new PdataError('EINVAL', `block ${b} is outside the metadata device (${this.nrBlocks} blocks)`);
    }
  }
}
