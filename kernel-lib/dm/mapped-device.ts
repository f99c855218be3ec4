// A mapped device (struct mapped_device, /dev/mapper/<name>): a table of targets presented as
// one block device. For each bio, dm core (dm.c's __split_and_process_bio) cuts it at target
// boundaries and at the target's max_io_len, clones each piece, lets the target's map function
// remap the clone, and submits it to the device the target names. The original completes when
// the last clone does (struct dm_io's io_count, which starts at 1 so that a clone completing
// during submission cannot end the original early). A flush goes to every target. dm core's
// own CPU per bio (core-costs.ts) is spent when the device is built with `core` costs (every
// device a scenario builds; unit tests of targets may leave it out).
import { Bio } from '../block/bio.js';
import { LinearTarget } from './linear.js';
import type { BlockDevice, DiskStats } from '../block/device.js';
import type { ProcessGenerator, Simulation } from '../sim/index.js';
import { chargeCpu, chargeSoftirq } from '../sim/cpu.js';
import type { DmCoreCosts } from './core-costs.js';
export type { DmCoreCosts } from './core-costs.js';
import type { DiscardLimits, DmTarget } from './target-registry.js';

/** A target with the plain-call map. */
type SyncDmTarget = DmTarget & { mapSync(clone: Bio): BlockDevice | null };

export interface MappedTarget {
  /** First sector in the mapped device (ti->begin) and length. */
  begin: number;
  length: number;
  target: DmTarget;
}

/** struct dm_io: one original bio and the clones still in flight. */
class DmIo {
  // Declared and assigned in the constructor (one per bio): plain assignments construct
  // faster than class-field definitions in V8.
  /** Clones not yet completed, plus one held by the submitter until all are issued. */
  declare ioCount: number;
  declare status: string | null;
  declare readonly mappedDevice: MappedDevice;
  declare readonly bio: Bio;
  declare readonly start: number;

  constructor(md: MappedDevice, bio: Bio, start: number) {
    this.ioCount = 1;
    this.status = null;
    this.mappedDevice = md;
    this.bio = bio;
    this.start = start;
  }
}

/**
 * The original bio a clone was made from (dm_io's orig_bio), for a target that answers a read
 * itself and must give the original its content; undefined for a bio that is no clone.
 */
export function dmOriginalBio(clone: Bio): Bio | undefined {
  const io = clone.private;
  return io instanceof DmIo && io.bio !== clone ? io.bio : undefined;
}

/**
 * blk_bio_discard_split for a target with its own discard limits: a discard of `sectors` from
 * `sector` (the mapped device's) longer than maxSectors (rounded down to the granularity) is
 * cut there, moved back to end on a granularity boundary; a shorter one stays whole. dm core
 * itself then cuts discards at target boundaries only (__send_changing_extent_only; no
 * max_io_len split since "dm: eliminate 'split_discard_bios' flag from DM target interface";
 * docs/references.md#clone-map).
 */
export function discardSplitSectors(limits: DiscardLimits, sector: number, sectors: number): number {
  const g = Math.max(1, limits.granularity);
  const max = limits.maxSectors - (limits.maxSectors % g);
  if (max <= 0 || sectors <= max) return sectors;
  const over = (sector + max) % g;
  return max > over ? max - over : max;
}

function cloneEndIo(clone: Bio): void {
  const io = clone.private as DmIo;
  if (clone.status !== null && io.status === null) io.status = clone.status;
  decIoCount(io);
}

function decIoCount(io: DmIo): void {
  if (--io.ioCount === 0) io.mappedDevice._complete(io);
}

export class MappedDevice implements BlockDevice {
  readonly logicalBlockSize: number;
  readonly sizeSectors: number;
  private readonly begins: Float64Array;
  private readonly stats: DiskStats = {
    readIos: 0, writeIos: 0, readMerges: 0, writeMerges: 0, readSectors: 0, writeSectors: 0,
    readTicksNs: 0, writeTicksNs: 0, busyNs: 0, inQueueNs: 0,
  };
  private inFlight = 0;
  private lastChange = 0;
  /** The table's only target when its map never sleeps and it takes bios of any length, else null. */
  private readonly soleSyncTarget: SyncDmTarget | null;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly targets: readonly MappedTarget[],
    private readonly core: DmCoreCosts | null = null,
  ) {
    if (targets.length === 0) throw new Error(`mapped device ${name}: empty table`);
    const last = targets[targets.length - 1];
    this.sizeSectors = last.begin + last.length;
    this.begins = Float64Array.from(targets, (t) => t.begin);
    // The device's logical block size is the largest of the devices underneath.
    let lbs = 512;
    for (const t of targets) for (const d of t.target.devices) lbs = Math.max(lbs, d.logicalBlockSize);
    this.logicalBlockSize = lbs;
    const only = targets.length === 1 ? targets[0].target : null;
    this.soleSyncTarget = only !== null && only.mapSync !== undefined && only.maxIoLen === undefined ? (only as SyncDmTarget) : null;
  }

  /**
   * Where this device's sector 0 lies on the device below, when the table is one linear target
   * from sector 0 (an LVM volume): the power-cut model (block/power-cut.ts) follows it to the
   * physical device's media. Null for any other table.
   */
  linearMapping(): { dev: BlockDevice; offsetSectors: number } | null {
    const t = this.targets.length === 1 ? this.targets[0] : null;
    if (t === null || t.begin !== 0 || !(t.target instanceof LinearTarget)) return null;
    return { dev: t.target.dev, offsetSectors: t.target.start };
  }

  /** The target covering a sector (dm_table_find_target: binary search on the begins). */
  findTarget(sector: number): MappedTarget {
    const b = this.begins;
    let lo = 0;
    let hi = b.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (b[mid] <= sector) lo = mid;
      else hi = mid - 1;
    }
    return this.targets[lo];
  }

  /**
   * dm_submit_bio. The common case, a table of one target whose map never sleeps and a bio it
   * takes whole (every LVM volume), is mapped here at the call and leaves only the clone's
   * submission to a small generator; the rest goes through submitSplit. Either way the work
   * happens when the caller's `yield*` starts, at the same simulated instant.
   */
  submit(bio: Bio): ProcessGenerator<void> {
    const target = this.soleSyncTarget;
    if (target !== null && bio.sectors > 0 && bio.sector >= 0 && bio.end <= this.sizeSectors) {
      const io = new DmIo(this, bio, this.sim.now);
      this.account(+1);
      const clone = this.clone(io, bio.sector, bio.sectors);
      return this.submitClone(io, clone, target.mapSync(clone));
    }
    return this.submitSplit(bio);
  }

  /** The fast path's tail: submit the mapped clone, then drop the submitter's hold on io. */
  private *submitClone(io: DmIo, clone: Bio, dev: BlockDevice | null): ProcessGenerator<void> {
    if (this.core !== null) {
      const c = chargeCpu(this.sim, clone.thread, this.core.submitNs);
      if (c !== null) yield c;
    }
    if (dev !== null) yield* dev.submit(clone);
    decIoCount(io);
  }

  /** __split_and_process_bio: clones cut at target boundaries and max_io_len, one by one. */
  private *submitSplit(bio: Bio): ProcessGenerator<void> {
    if (bio.sectors > 0 && (bio.sector < 0 || bio.end > this.sizeSectors)) {
      // submit_bio_checks(): an access beyond the end of the device fails at once.
      bio.endio(this.sim, 'EIO');
      return;
    }
    const io = new DmIo(this, bio, this.sim.now);
    this.account(+1);
    if (bio.sectors === 0) {
      // An empty flush: one clone to each target (num_flush_bios = 1).
      for (const t of this.targets) yield* this.issue(io, t, bio.sector, 0);
    } else {
      let sector = bio.sector;
      while (sector < bio.end) {
        const t = this.findTarget(sector);
        let len = Math.min(bio.end, t.begin + t.length) - sector;
        const max = t.target.maxIoLen;
        const dl = t.target.discardLimits;
        if (dl !== undefined && bio.op === 'discard') len = discardSplitSectors(dl, sector, len);
        else if (max !== undefined && max > 0) len = Math.min(len, max - ((sector - t.begin) % max));
        // issue(), inlined: this loop runs for every bio, and a helper generator per clone
        // is an allocation (and a resume level) the common case does not need.
        const clone = this.clone(io, sector, len);
        const target = t.target;
        if (this.core !== null) {
          const c = chargeCpu(this.sim, clone.thread, this.core.submitNs);
          if (c !== null) yield c;
        }
        const dev = target.mapSync !== undefined ? target.mapSync(clone) : yield* target.map(clone);
        if (dev !== null) yield* dev.submit(clone);
        sector += len;
      }
    }
    decIoCount(io);
  }

  /** __map_bio for one clone (the flush path; the data path inlines it in submit). */
  private *issue(io: DmIo, t: MappedTarget, sector: number, sectors: number): ProcessGenerator<void> {
    const clone = this.clone(io, sector, sectors);
    const target = t.target;
    const dev = target.mapSync !== undefined ? target.mapSync(clone) : yield* target.map(clone);
    if (dev !== null) yield* dev.submit(clone);
  }

  /** alloc_tio + clone_bio: the clone of io's bio for [sector, sector + sectors), counted in io. */
  private clone(io: DmIo, sector: number, sectors: number): Bio {
    const bio = io.bio;
    const clone = bio.child(bio.op, sector, sectors, bio.flags, io, cloneEndIo);
    io.ioCount++;
    return clone;
  }

  /** @internal the last clone of an original completed. */
  _complete(io: DmIo): void {
    const bio = io.bio;
    const ticks = this.sim.now - io.start;
    const s = this.stats;
    if (bio.op === 'read') {
      s.readIos++;
      s.readSectors += bio.sectors;
      s.readTicksNs += ticks;
    } else if (bio.isWrite) {
      s.writeIos++;
      s.writeSectors += bio.sectors;
      s.writeTicksNs += ticks;
    }
    this.account(-1);
    if (this.core !== null) chargeSoftirq(this.core.cpus, bio.cpu, this.core.endioNs);
    bio.endio(this.sim, io.status);
  }

  /** Keeps io_ticks (time with something in flight) and in_queue (its integral). */
  private account(delta: number): void {
    const now = this.sim.now;
    const dt = now - this.lastChange;
    if (this.inFlight > 0) this.stats.busyNs += dt;
    this.stats.inQueueNs += this.inFlight * dt;
    this.lastChange = now;
    this.inFlight += delta;
  }

  diskStats(): DiskStats {
    this.account(0);
    return { ...this.stats };
  }
}
