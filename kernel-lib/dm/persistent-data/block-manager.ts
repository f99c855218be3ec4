// dm-block-manager.c: blocks of a metadata device through dm-bufio, each with a read/write
// lock of its own (the kernel keeps it in the buffer's aux data): readLock is shared,
// writeLock and writeLockZero exclusive, and unlocking a write-locked block marks its buffer
// dirty. flush() is dm_bm_flush: write every dirty buffer and flush the device cache.
import { RwLock, type ProcessGenerator, type Simulation } from '../../sim/index.js';
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

export interface BlockManagerStats {
  readLocks: number;
  writeLocks: number;
  /** Lock acquisitions that had to wait for another holder. */
  lockWaits: number;
}

export class DmBlockManager {
  readonly stats: BlockManagerStats = { readLocks: 0, writeLocks: 0, lockWaits: 0 };
  private readonly locks = new Map<number, { lock: RwLock; users: number }>();

  constructor(
    readonly sim: Simulation,
    readonly bufio: DmBufioClient<BlockData>,
    /** dm_bm_nr_blocks */
    readonly nrBlocks: number,
  ) {}

  get blockSize(): number {
    return this.bufio.blockSize;
  }

  /** dm_bm_read_lock */
  *readLock(b: number): ProcessGenerator<DmBlock> {
    this.check(b);
    this.stats.readLocks++;
    const buf = yield* this.bufio.read(b);
    const l = this.lockOf(b);
    const ev = l.readLock();
    if (!ev.processed) this.stats.lockWaits++;
    yield ev;
    return new DmBlock(b, buf, false);
  }

  /** dm_bm_write_lock */
  *writeLock(b: number): ProcessGenerator<DmBlock> {
    this.check(b);
    this.stats.writeLocks++;
    const buf = yield* this.bufio.read(b);
    yield* this.takeWrite(b);
    return new DmBlock(b, buf, true);
  }

  /** dm_bm_write_lock_zero: the block's old content is not read; `init` is its new one. */
  *writeLockZero(b: number, init: BlockData): ProcessGenerator<DmBlock> {
    this.check(b);
    this.stats.writeLocks++;
    const buf = yield* this.bufio.newBuffer(b);
    yield* this.takeWrite(b);
    buf.data = init;
    return new DmBlock(b, buf, true);
  }

  /** dm_bm_unlock: a write-locked block's buffer is marked dirty. */
  *unlock(blk: DmBlock): ProcessGenerator<void> {
    const l = this.locks.get(blk.location);
    if (l === undefined) throw new Error(`block ${blk.location} unlocked but not locked`);
    if (blk.write) {
      l.lock.writeUnlock();
      yield* this.bufio.markDirty(blk.buffer);
    } else {
      l.lock.readUnlock();
    }
    if (--l.users === 0) this.locks.delete(blk.location);
    yield* this.bufio.release(blk.buffer);
  }

  /** dm_bm_flush: every dirty buffer written, then the device cache flushed. */
  *flush(): ProcessGenerator<string | null> {
    return yield* this.bufio.writeDirtyBuffersAndFlush();
  }

  /** Whether anybody holds or waits for the block's lock. */
  isLocked(b: number): boolean {
    return this.locks.has(b);
  }

  private *takeWrite(b: number): ProcessGenerator<void> {
    const l = this.lockOf(b);
    const ev = l.writeLock();
    if (!ev.processed) this.stats.lockWaits++;
    yield ev;
  }

  private lockOf(b: number): RwLock {
    let l = this.locks.get(b);
    if (l === undefined) {
      l = { lock: new RwLock(this.sim, `block${b}`), users: 0 };
      this.locks.set(b, l);
    }
    l.users++;
    return l.lock;
  }

  private check(b: number): void {
    if (!(Number.isInteger(b) && b >= 0 && b < this.nrBlocks)) {
      throw new PdataError('EINVAL', `block ${b} is outside the metadata device (${this.nrBlocks} blocks)`);
    }
  }
}
