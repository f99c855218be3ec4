// md raid1's read_balance (drivers/md/raid1.c; the shape of 6.9's choose_best_rdev, which
// keeps the 3.5-6.8 rules): for each readable leg, a read that continues the leg's last read
// (next_seq_sect) or starts where its head is stays on that leg; otherwise the leg with the
// fewest pending I/Os wins when any leg is non-rotational or some leg is idle, else the leg
// whose head is nearest. Ties go to the first leg in table order (strict comparisons).
// Write-mostly legs are read only when no other leg is readable (choose_slow_rdev). An
// optimal I/O size (bdev_io_opt) is 0 for every modelled device, so a sequential stream is
// never moved to an idle leg (should_choose_next is false).

/** struct raid1_info: one mirror leg's read-balancing state. */
export interface Raid1Mirror {
  /** blk_queue_nonrot of the leg. */
  readonly nonrot: boolean;
  /** WriteMostly (dm-raid `write_mostly <idx>`). */
  readonly writeMostly: boolean;
  /** rdev->nr_pending: I/Os issued to the leg and not yet completed. */
  pending: number;
  /** Sector after the last completed I/O on the leg (update_head_pos). */
  headPosition: number;
  /** Sector after the last read sent to the leg, and where its sequential run began. */
  nextSeqSect: number;
  seqStart: number;
}

export function newMirror(nonrot: boolean, writeMostly: boolean): Raid1Mirror {
  return { nonrot, writeMostly, pending: 0, headPosition: 0, nextSeqSect: -1, seqStart: -1 };
}

/** read_balance: the leg index to read [sector, sector + sectors) from. */
export function readBalance(mirrors: readonly Raid1Mirror[], sector: number, sectors: number): number {
  let minPending = Infinity;
  let minPendingDisk = -1;
  let closestDist = Infinity;
  let closestDistDisk = -1;
  let chosen = -1;
  for (let disk = 0; disk < mirrors.length; disk++) {
    const m = mirrors[disk];
    if (m.writeMostly) continue; // rdev_readable() skips WriteMostly legs
    // is_sequential(): don't change to another disk for sequential reads.
    if (m.nextSeqSect === sector || m.headPosition === sector) {
      chosen = disk;
      break;
    }
    if (minPending > m.pending) {
      minPending = m.pending;
      minPendingDisk = disk;
    }
    const dist = Math.abs(sector - m.headPosition);
    if (closestDist > dist) {
      closestDist = dist;
      closestDistDisk = disk;
    }
  }
  if (chosen < 0) {
    // conf->nonrot_disks counts every leg, write-mostly ones too.
    if (minPendingDisk !== -1 && (mirrors.some((m) => m.nonrot) || minPending === 0)) chosen = minPendingDisk;
    else chosen = closestDistDisk;
  }
  // choose_slow_rdev: only write-mostly legs left; the first one.
  if (chosen < 0) chosen = mirrors.findIndex((m) => m.writeMostly);
  if (chosen >= 0) {
    // update_read_sectors()
    const m = mirrors[chosen];
    if (m.nextSeqSect !== sector) m.seqStart = sector;
    m.nextSeqSect = sector + sectors;
  }
  return chosen;
}
