// struct userspace_request: a message waiting to go up to the daemon. MAP_BLOCK_REQ carries
// the bios of its block and stays on the device's request list, once sent, until the daemon
// answers; the other types (SYNC_COMPLETE, INVAL_*, GET_VERSION) leave the list when sent.
// Requests come from a mempool of 64 over a slab cache (request_pool): mempool_alloc takes
// from the slab first and dips into the 64 reserved only when the slab fails, which memory
// that never runs short does not do; `inUse` and `maxInUse` show how many were out.
import type { Bio } from '../../block/bio.js';

export const DMU_REQUEST_POOL = 64;

export class UserspaceRequest {
  sent = false;
  bios: Bio[] = [];

  constructor(
    readonly type: number,
    readonly id: number,
    public flags: number,
    /** MAP_BLOCK_REQ: the block of its bios; INVAL_*: the block invalidated. */
    readonly block: number,
    /** STATUS messages: the status code (SYNC_COMPLETE, INVAL_COMPLETE, INVAL_FAILED). */
    readonly status = 0,
  ) {}
}

export class RequestPool {
  inUse = 0;
  maxInUse = 0;
  /** Allocations beyond what the slab gave, served from the 64 reserved (never, here). */
  readonly reserved = DMU_REQUEST_POOL;

  alloc(): void {
    this.inUse++;
    if (this.inUse > this.maxInUse) this.maxInUse = this.inUse;
  }

  free(): void {
    this.inUse--;
  }
}
