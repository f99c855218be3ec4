// struct data_vio: one 4 KiB request on its way through VDO, and the pool of 2048 of them
// (data-vio.c). A bio takes a data_vio in vdo_launch_bio on the submitting thread; with none
// free the submitter sleeps on the pool's limiter (discards may hold at most 75 % of the pool).
// A finished data_vio goes onto the pool's release queue; the release callback, on the cpu
// thread, returns them in batches of up to DATA_VIO_RELEASE_BATCH_SIZE, handing each straight
// to a waiting bio if there is one (the waiter's submitter then wakes up).
import type { Bio } from '../../block/bio.js';
import { Deque } from '../../sim/deque.js';
import type { SimEvent } from '../../sim/index.js';
import { VdoCompletion } from './completion.js';
import { DATA_VIO_DISCARD_LIMIT, MAXIMUM_VDO_USER_VIOS } from './constants.js';

/** Mapping states: 0 unmapped/zero, 1 uncompressed, 2 + slot for a compressed fragment. */
export const MAPPING_UNCOMPRESSED = 1;
export const ZERO_BLOCK = 0;

export class DataVio extends VdoCompletion {
  userBio: Bio | null = null;
  read = false;
  write = false;
  discard = false;
  fua = false;
  isZero = false;
  lbn = 0;
  /** Blocks left of a multi-block discard (this one included). */
  remainingDiscard = 0;
  /** Content of the block (its fingerprint) and how many of its 4096 bytes LZ4 leaves. */
  fingerprint = 0;
  compressedSize = 4096;
  logicalZone = 0;
  hashZone = 0;
  /** The allocation (pbn 0: none), its physical zone and whether it is still provisional. */
  allocationPbn = 0;
  allocationZone = 0;
  /** Allocations made in the current physical zone (moves on every ALLOCATIONS_PER_ZONE). */
  newPbn = 0;
  newState = 0;
  mappedPbn = 0;
  mappedState = 0;
  /** Block of the LBN's leaf page (tree_slots[0]'s pbn; 0: unallocated). */
  leafPbn = 0;
  /** The tree page this data_vio is allocating (block-map-tree.ts treeKey; -1: none) and its height. */
  treeKey = -1;
  treeHeight = 0;
  duplicatePbn = 0;
  duplicateState = 0;
  isDuplicate = false;
  /** Recovery-journal entry: sequence number (0: none) and the tickets for the two slab journals. */
  journalEntry = 0;
  journalBlock = 0;
  incrementTicket = 0;
  decrementTicket = 0;
  firstReferenceOperationComplete = false;
  flushGeneration = 0;
  hasFlushGenerationLock = false;
  hashLock: unknown = null;
  /** The decrement of the old mapping, a completion of its own (runs concurrently with the increment). */
  readonly decrement: ReferenceUpdate;
  /** The I/O the next submission is (IO_*), its block and, for a compressed write, the bin. */
  ioKind = 0;
  bin: unknown = null;
  /** Simulated time this data_vio was launched (latency of its steps, traces). */
  launchedAt = 0;
  /** Trace of the steps (time, thread id, step) when tracing is on; null otherwise. */
  trace: number[] | null = null;
  acknowledged = false;
  /** LBN lock: while this data_vio holds it, the data_vios waiting for it, first to last (linked through lbnNextWaiter). */
  lbnWaitHead: DataVio | null = null;
  lbnWaitTail: DataVio | null = null;
  lbnNextWaiter: DataVio | null = null;
  /** The waiter (a sleeping submitter) to wake when this data_vio is handed to its bio. */
  constructor(readonly index: number) {
    super();
    this.decrement = new ReferenceUpdate(this);
  }

  reset(): void {
    this.read = this.write = this.discard = this.fua = this.isZero = false;
    this.allocationPbn = this.newPbn = this.newState = this.mappedPbn = this.mappedState = 0;
    this.leafPbn = this.treeHeight = 0;
    this.treeKey = -1;
    this.duplicatePbn = this.duplicateState = 0;
    this.isDuplicate = false;
    this.journalEntry = this.journalBlock = this.incrementTicket = this.decrementTicket = 0;
    this.firstReferenceOperationComplete = false;
    this.hasFlushGenerationLock = false;
    this.hashLock = null;
    this.handoffs = 0;
    this.acknowledged = false;
    this.compressedSize = 4096;
    this.remainingDiscard = 0;
    this.ioKind = 0;
    this.bin = null;
    this.trace = null;
    this.lbnWaitHead = this.lbnWaitTail = this.lbnNextWaiter = null;
  }
}

export const IO_WRITE = 1;
export const IO_READ = 2;
export const IO_VERIFY = 3;
export const IO_COMPRESSED_WRITE = 4;

/** data_vio->decrement_completion: the old mapping's reference update, launched beside the data_vio's own. */
export class ReferenceUpdate extends VdoCompletion {
  constructor(readonly owner: DataVio) {
    super();
  }
}

export interface WaitingBio {
  bio: Bio;
  offset: number;
  woken: SimEvent<undefined>;
}

export class DataVioPool {
  readonly all: DataVio[] = [];
  private readonly available: DataVio[] = [];
  /** The release queue (a funnel queue in the kernel). */
  readonly released = new Deque<DataVio>();
  /** Whether the release callback is queued on the cpu thread. */
  releaseScheduled = false;
  readonly waiting = new Deque<WaitingBio>();
  readonly waitingDiscards = new Deque<WaitingBio>();
  busy = 0;
  discardsBusy = 0;
  /** Most data_vios in use at once, and bios that had to wait for one. */
  maxBusy = 0;
  waits = 0;

  constructor(readonly size = MAXIMUM_VDO_USER_VIOS) {
    for (let i = 0; i < size; i++) {
      const d = new DataVio(i);
      this.all.push(d);
      this.available.push(d);
    }
  }

  /** acquire_permit + get a data_vio; null when the bio must wait. */
  tryAcquire(discard: boolean): DataVio | null {
    if (this.available.length === 0 || (discard && this.discardsBusy >= DATA_VIO_DISCARD_LIMIT)) return null;
    if (!discard && this.waiting.length > 0) return null; // FIFO: no overtaking the sleepers
    const d = this.available.pop() as DataVio;
    this.busy++;
    if (discard) this.discardsBusy++;
    if (this.busy > this.maxBusy) this.maxBusy = this.busy;
    d.reset();
    return d;
  }

  wait(bio: Bio, offset: number, woken: SimEvent<undefined>, discard: boolean): void {
    this.waits++;
    (discard ? this.waitingDiscards : this.waiting).push({ bio, offset, woken });
  }

  /**
   * Returns a data_vio; answers the bio waiting for one, if any (the caller launches it and
   * wakes its submitter), or null.
   */
  release(d: DataVio): WaitingBio | null {
    const wasDiscard = d.discard;
    if (wasDiscard) this.discardsBusy--;
    let w = this.waiting.shift();
    if (w === undefined && this.discardsBusy < DATA_VIO_DISCARD_LIMIT) w = this.waitingDiscards.shift();
    if (w !== undefined) {
      d.reset();
      if (w.bio.op === 'discard') this.discardsBusy++;
      return w;
    }
    this.busy--;
    this.available.push(d);
    return null;
  }
}
