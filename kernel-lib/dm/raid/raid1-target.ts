// dm-raid with raid_type raid1 (drivers/md/dm-raid.c over drivers/md/raid1.c), as LVM builds
// a raid1 LV: writes are cloned to every leg and the original completes when the last leg
// has completed (raid1_end_write_request: r1_bio's `remaining` reaches zero), successfully
// when at least one leg wrote it (R1BIO_Uptodate); reads go to the one leg read_balance
// picks. Flushes and discards go to every leg. Not modelled: the write-intent bitmap on the
// metadata devices (region_size is parsed and validated), resync, write-behind, failures
// turning a leg Faulty, and read-error retries on another leg.
import type { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import type { DmTarget } from '../target-registry.js';
import { newMirror, readBalance, type Raid1Mirror } from './read-balance.js';

export interface Raid1Leg {
  readonly meta: BlockDevice | null;
  readonly data: BlockDevice;
  readonly nonrot: boolean;
  readonly writeMostly: boolean;
}

/** struct r1bio for a write: the legs still to complete and whether any succeeded. */
class R1Write {
  remaining: number;
  uptodate = false;
  firstError: string | null = null;
  /**
   * r1_bio->bios[]: the clone sent to each leg, by leg index. A leg's completion finds its
   * index here (find_bio_disk), as the kernel does, rather than in a map keyed by bio.
   */
  readonly bios: Bio[] = [];
  constructor(
    readonly target: Raid1Target,
    readonly master: Bio,
    legs: number,
  ) {
    this.remaining = legs;
  }
}

/** find_bio_disk: the leg whose clone `bio` is (-1 if none). */
function findBioDisk(w: R1Write, bio: Bio): number {
  const bios = w.bios;
  for (let i = 0; i < bios.length; i++) if (bios[i] === bio) return i;
  return -1;
}

/** The leg a read went to, for update_head_pos and rdev_dec_pending. */
class R1Read {
  constructor(
    readonly target: Raid1Target,
    readonly master: Bio,
    readonly disk: number,
  ) {}
}

function writeLegEnd(bio: Bio): void {
  const w = bio.private as R1Write;
  const t = w.target;
  t._legDone(findBioDisk(w, bio), bio);
  if (bio.status === null) w.uptodate = true;
  else w.firstError ??= bio.status;
  if (--w.remaining === 0) w.master.endio(t.sim, w.uptodate ? null : w.firstError);
}

function readLegEnd(bio: Bio): void {
  const r = bio.private as R1Read;
  r.target._legDone(r.disk, bio);
  r.master.endio(r.target.sim, bio.status);
}

export class Raid1Target implements DmTarget {
  readonly type = 'raid';
  readonly devices: readonly BlockDevice[];
  readonly mirrors: Raid1Mirror[];
  /** Reads and writes sent to each leg (for tests and status). */
  readonly readsPerLeg: number[];
  readonly writesPerLeg: number[];

  constructor(
    readonly sim: Simulation,
    /** First sector of the target in the mapped device (ti->begin). */
    readonly begin: number,
    readonly length: number,
    readonly legs: readonly Raid1Leg[],
    readonly regionSize: number,
  ) {
    this.devices = legs.flatMap((l) => (l.meta === null ? [l.data] : [l.meta, l.data]));
    this.mirrors = legs.map((l) => newMirror(l.nonrot, l.writeMostly));
    this.readsPerLeg = legs.map(() => 0);
    this.writesPerLeg = legs.map(() => 0);
  }

  /** @internal a leg's I/O completed: rdev_dec_pending and update_head_pos. */
  _legDone(disk: number, bio: Bio): void {
    const m = this.mirrors[disk];
    m.pending--;
    if (bio.sectors > 0) m.headPosition = bio.sector + bio.sectors;
  }

  *map(clone: Bio): ProcessGenerator<BlockDevice | null> {
    const offset = clone.sectors === 0 ? 0 : clone.sector - this.begin;
    if (clone.op === 'read') {
      // raid1_read_request
      const disk = readBalance(this.mirrors, offset, clone.sectors);
      const child = clone.child('read', offset, clone.sectors, clone.flags, new R1Read(this, clone, disk), readLegEnd);
      this.mirrors[disk].pending++;
      this.readsPerLeg[disk]++;
      yield* this.legs[disk].data.submit(child);
      return null;
    }
    // raid1_write_request (and flushes / discards, which md sends to every leg)
    const w = new R1Write(this, clone, this.legs.length);
    const children = w.bios;
    for (let disk = 0; disk < this.legs.length; disk++) {
      const child = clone.child(clone.op, clone.sectors === 0 ? 0 : offset, clone.sectors, clone.flags, w, writeLegEnd);
      this.mirrors[disk].pending++;
      if (clone.isWrite) this.writesPerLeg[disk]++;
      children.push(child);
    }
    for (let disk = 0; disk < this.legs.length; disk++) yield* this.legs[disk].data.submit(children[disk]);
    return null;
  }

  status(): Record<string, unknown> {
    return {
      raid_type: 'raid1',
      legs: this.legs.map((l, i) => ({ device: l.data.name, nonrot: l.nonrot, write_mostly: l.writeMostly, reads: this.readsPerLeg[i], writes: this.writesPerLeg[i] })),
      region_size: this.regionSize,
    };
  }

  /** dm-raid's status: `raid1 <#devs> <health chars> <sync ratio> <sync action> <mismatch_cnt> <data_offset> <journal>`; always in sync here. */
  statusLine(): string {
    return `raid1 ${this.legs.length} ${'A'.repeat(this.legs.length)} ${this.length}/${this.length} idle 0 0 -`;
  }
}
