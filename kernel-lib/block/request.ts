// struct request: one or more contiguous bios of the same kind, as the elevator and the
// driver see them. Bios join a request by back merge (bio starts where the request ends) or
// front merge (bio ends where the request starts), within max_sectors and max_segments
// (ll_back_merge_fn / ll_front_merge_fn).
import type { Scheduled } from '../sim/index.js';
import { REQ_FUA, REQ_PREFLUSH, REQ_SYNC, type Bio, type BioOp } from './bio.js';

let nextRequestId = 1;

export class Request implements Scheduled {
  // Declared and assigned in the constructor (one per I/O): plain assignments construct
  // faster than class-field definitions in V8.
  declare readonly id: number;
  declare readonly op: BioOp;
  declare sector: number;
  declare sectors: number;
  declare flags: number;
  /**
   * rq->bio and rq->biotail: the first and last of the request's bios, linked in sector
   * order through bi_next (a front merge puts the bio first). No array per request.
   */
  declare bio: Bio;
  declare biotail: Bio;
  /** Physical segments (each bio's pages, cut at max_segment_size). */
  declare segments: number;
  /** CPU the first bio was submitted from: where rq_affinity steers the completion. */
  declare readonly cpu: number;
  /** When the request was allocated (disk stats count ticks from here). */
  declare readonly tStart: number;
  declare tInsert: number;
  declare tIssue: number;
  /** Deadline/CFQ FIFO expiry time (ns). */
  declare fifoTime: number;
  /** Hardware queue index (blk-mq) and tag, -1 when not held. */
  declare hctx: number;
  declare tag: number;
  /** Scheduler tag (blk-mq with a scheduler), -1 when not held. */
  declare schedTag: number;
  /** Completion status and the CPU that ended the bios, set at completion. */
  declare status: string | null;
  declare completionCpu: number;
  /** Driver's private state (an HDD's decoded position, an SSD's die...). */
  declare driverData: unknown;
  /** Whoever schedules this request as a timer sets the callback; saves an allocation per I/O. */
  declare onTimer: ((rq: Request) => void) | null;

  constructor(bio: Bio, now: number, segmentBytes: number) {
    this.id = nextRequestId++;
    this.tInsert = NaN;
    this.tIssue = NaN;
    this.fifoTime = Infinity;
    this.hctx = 0;
    this.tag = -1;
    this.schedTag = -1;
    this.status = null;
    this.completionCpu = -1;
    this.driverData = null;
    this.onTimer = null;
    this.op = bio.op;
    this.sector = bio.sector;
    this.sectors = bio.sectors;
    this.flags = bio.flags;
    this.bio = bio;
    this.biotail = bio;
    this.segments = segmentsOf(bio, segmentBytes);
    this.cpu = bio.cpu;
    this.tStart = now;
  }

  get end(): number {
    return this.sector + this.sectors;
  }

  /** The bios in order, as a new array (for tests and reports; hot paths walk bi_next). */
  get bios(): Bio[] {
    const out: Bio[] = [];
    for (let b: Bio | null = this.bio; b !== null; b = b.biNext) out.push(b);
    return out;
  }

  get bytes(): number {
    return this.sectors * 512;
  }

  get isWrite(): boolean {
    return this.op !== 'read';
  }

  /** rq_is_sync: reads, and writes flagged REQ_SYNC (O_DIRECT, fsync). */
  get isSync(): boolean {
    return this.op === 'read' || (this.flags & REQ_SYNC) !== 0;
  }

  _fire(): void {
    const fn = this.onTimer;
    this.onTimer = null;
    if (fn !== null) fn(this);
  }
}

/** Limits a merge must respect (struct queue_limits, reduced). */
export interface MergeLimits {
  maxSectors: number;
  maxSegments: number;
  maxSegmentSize: number;
}

export function segmentsOf(bio: Bio, segmentBytes: number): number {
  // Pages of a bio are assumed physically contiguous up to the segment size.
  return Math.max(1, Math.ceil(bio.bytes / segmentBytes));
}

/**
 * rq_mergeable + the bio/request compatibility test of elv_rq_merge_ok: only plain data
 * requests of the same op and sync-ness merge; flushes, FUA writes and discards stand alone.
 */
export function canMerge(rq: Request, bio: Bio): boolean {
  if (rq.op !== bio.op || (rq.op !== 'read' && rq.op !== 'write')) return false;
  if (((rq.flags | bio.flags) & (REQ_PREFLUSH | REQ_FUA)) !== 0) return false;
  return ((rq.flags ^ bio.flags) & REQ_SYNC) === 0;
}

/** ll_back_merge_fn / ll_front_merge_fn: would the request stay within the limits? */
export function fitsLimits(rq: Request, bio: Bio, limits: MergeLimits): boolean {
  if (rq.sectors + bio.sectors > limits.maxSectors) return false;
  return rq.segments + segmentsOf(bio, limits.maxSegmentSize) <= limits.maxSegments;
}

export function backMerge(rq: Request, bio: Bio, limits: MergeLimits): void {
  rq.biotail.biNext = bio;
  rq.biotail = bio;
  rq.sectors += bio.sectors;
  rq.segments += segmentsOf(bio, limits.maxSegmentSize);
}

export function frontMerge(rq: Request, bio: Bio, limits: MergeLimits): void {
  bio.biNext = rq.bio;
  rq.bio = bio;
  rq.sector = bio.sector;
  rq.sectors += bio.sectors;
  rq.segments += segmentsOf(bio, limits.maxSegmentSize);
}

/** attempt_merge: `next` starts where `rq` ends; rq absorbs it (its FIFO time is the earlier). */
export function canMergeRequests(rq: Request, next: Request, limits: MergeLimits): boolean {
  if (rq.op !== next.op || rq.end !== next.sector || (rq.op !== 'read' && rq.op !== 'write')) return false;
  if (((rq.flags | next.flags) & (REQ_PREFLUSH | REQ_FUA)) !== 0 || ((rq.flags ^ next.flags) & REQ_SYNC) !== 0) return false;
  return rq.sectors + next.sectors <= limits.maxSectors && rq.segments + next.segments <= limits.maxSegments;
}

export function mergeRequests(rq: Request, next: Request): void {
  rq.biotail.biNext = next.bio;
  rq.biotail = next.biotail;
  rq.sectors += next.sectors;
  rq.segments += next.segments;
  if (next.fifoTime < rq.fifoTime) rq.fifoTime = next.fifoTime;
}
