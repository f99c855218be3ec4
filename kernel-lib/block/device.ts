// What every block device offers the layers above it (struct block_device + gendisk, reduced
// to what a simulation needs). Physical devices (hdd, ssd, null_blk, ram, loop), linear
// volumes and device-mapper targets all implement it, so they stack.
import type { ProcessGenerator } from '../sim/index.js';
import type { Bio } from './bio.js';

/** /proc/diskstats-like counters, enough for fio's disk_util block. */
export interface DiskStats {
  readIos: number;
  writeIos: number;
  readMerges: number;
  writeMerges: number;
  readSectors: number;
  writeSectors: number;
  /** ns spent by reads / writes from issue to completion, summed (fio's *_ticks, in ns). */
  readTicksNs: number;
  writeTicksNs: number;
  /** ns during which at least one request was in flight (io_ticks: fio's util). */
  busyNs: number;
  /** Integral of in-flight count over time (in_queue, ns). */
  inQueueNs: number;
}

export interface BlockDevice {
  readonly name: string;
  /** Capacity in 512-byte sectors. */
  readonly sizeSectors: number;
  /** Logical block size in bytes (512 or 4096). */
  readonly logicalBlockSize: number;
  /**
   * submit_bio: runs in the submitter's context (charging its CPU cost to bio.thread when set)
   * and may sleep, e.g. while the request queue is full; use it as `yield* dev.submit(bio)`.
   * The bio completes later through `bio.endio()`.
   */
  submit(bio: Bio): ProcessGenerator<void>;
  /** Counters for fio's disk_util; devices that are not physical may return null. */
  diskStats(): DiskStats | null;
}
