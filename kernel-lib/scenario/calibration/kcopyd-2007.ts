// The 2007 "kcopyd performance" measurement (docs/references.md#kcopyd-2007): dd onto a
// logical volume, bare and with one snapshot whose COW is on the same or a second disk, as
// the published table and as scenario objects for the tests, the bench and the snapshot
// study. Every row is held out: no parameter was fitted to it (the disk is built from
// published physical facts, the kcopyd and snapshot costs from the 2019 rows), so the rows
// test the model (docs/references.md#calibration-rows).

/** The published table, MB/s as dd reported it. */
export const DD_2007_PUBLISHED = [
  { layout: 'none', chunkKiB: 0, mbs: 45.4, role: 'held-out' },
  { layout: 'same', chunkKiB: 8, mbs: 1.1, role: 'held-out' },
  { layout: 'same', chunkKiB: 512, mbs: 4.0, role: 'held-out' },
  { layout: 'separate', chunkKiB: 8, mbs: 1.2, role: 'held-out' },
  { layout: 'separate', chunkKiB: 512, mbs: 5.6, role: 'held-out' },
] as const;

const GIB = 2 ** 30;

/**
 * The one 2007 machine every cell runs on (the post says only "Pentium 4 3 GHz, SATA
 * disks, no RAID, LVM2, 2.6.2x"), each choice [R]:
 * - one CPU (a Pentium 4 3 GHz; hyper-threading ignored);
 * - 512 MiB of RAM (2.6.21: dirty limit 40% of the dirtyable 90%, about 184 MiB);
 * - 4 us of CPU to copy a page into the page cache (P4 / DDR400 memcpy plus bookkeeping);
 * - Linux 2.6.21 (the `kernel` preset: legacy queue, CFQ, global kcopyd, tail requeue...);
 * - the SATA controller in IDE mode: ICH5/ICH6 boards of P4 desktops under 2.6.21 run ata_piix,
 *   which has no NCQ, so the disk sees one command at a time (`queue_depth: 1`; the
 *   hdd-sata-2007 profile keeps the drive's own NCQ depth of 31). The drive's write cache
 *   stays on, as shipped: a raw sequential stream then goes at the media rate.
 */
export const MACHINE_2007 = {
  params: { kernel: '2.6.21', 'cpu.cores': 1, 'pagecache.ram_mib': 512, 'pagecache.copy_ns_per_page': 4000 },
  disk: { profile: 'hdd-sata-2007', queue_depth: 1 },
} as const;

/**
 * dd if=/dev/zero of=<origin> bs=1M count=<mb> (buffered) on a 2007 SATA disk, 2.6.21, on
 * MACHINE_2007 (`extra` params override it).
 * Layout [R, the post does not give it]: the origin LV is the first 8 GiB of sda; the COW LV
 * (2 GiB) follows it on the same disk ("same") or starts a second identical disk ("separate").
 * dd writes the origin device itself (no filesystem).
 */
export function dd2007(layout: 'none' | 'same' | 'separate', chunkKiB: number, mb: number, extra: Record<string, unknown> = {}): object {
  const devices: Record<string, unknown> = { sda: { ...MACHINE_2007.disk } };
  const volumes: Record<string, unknown> = { 'base-real': { device: 'sda', offset: 0, size: '8G' } };
  const targets: Record<string, string> = {};
  const originSectors = (8 * GIB) / 512;
  if (layout !== 'none') {
    if (layout === 'separate') devices.sdb = { ...MACHINE_2007.disk };
    volumes.cow = layout === 'same' ? { device: 'sda', offset: '8G', size: '2G' } : { device: 'sdb', offset: 0, size: '2G' };
    targets.base = `0 ${originSectors} snapshot-origin base-real`;
    targets.snap = `0 ${originSectors} snapshot base-real cow P ${chunkKiB * 2}`;
  }
  return {
    description: `2007 dd ${mb} MB, ${layout === 'none' ? 'no snapshot' : `snapshot ${chunkKiB} KiB, COW on the ${layout} disk`}`,
    seed: 1,
    params: { ...MACHINE_2007.params, ...extra },
    devices,
    volumes,
    targets,
    workload: { dd: `if=/dev/zero of=/dev/mapper/${layout === 'none' ? 'base-real' : 'base'} bs=1M count=${mb}` },
  };
}
