// The calibration scenarios of calibration.md §1 (2007 dd onto an origin with a snapshot) and
// §3 (2019 null_blk origin writes), as scenario objects, shared by the tests, the bench and
// the notebook.
export const NULL_BLK_2019_PUBLISHED = [
  { jobs: 1, iops: 57708, latUs: 16.25 },
  { jobs: 2, iops: 63415, latUs: 31.65 },
  { jobs: 4, iops: 67276, latUs: 55.28 },
  { jobs: 8, iops: 60564, latUs: 121.47 },
];

const GIB = 2 ** 30;

/**
 * §3: origin 80 GiB on null_blk (gb=1024 bs=512 submit_queues=8 hw_queue_depth=4096
 * irqmode=1), one transient snapshot with 4 KiB chunks, fio randwrite bs=4k direct=1 from N
 * jobs on their own slices. `engine`: psync (latency) or libaio iodepth=32 (IOPS). The
 * machine had 8 CPUs or more [R: not published; the test machine of the series].
 */
export function nullBlk2019(jobs: number, engine: 'psync' | 'libaio', runtimeMs: number, extra: Record<string, unknown> = {}): object {
  const size = Math.floor(80 / jobs);
  return {
    description: `null_blk origin randwrite, ${jobs} jobs, ${engine}`,
    seed: 1,
    params: { 'cpu.cores': 8, kernel: '5.0', ...extra },
    devices: { nullb0: { profile: 'null_blk', gb: 1024, bs: 512, submit_queues: 8, hw_queue_depth: 4096, irqmode: 1 } },
    volumes: { 'base-real': { device: 'nullb0', offset: 0, size: '80G' }, cow: { device: 'nullb0', offset: '80G', size: '80G' } },
    targets: {
      base: `0 ${(80 * GIB) / 512} snapshot-origin base-real`,
      snap: `0 ${(80 * GIB) / 512} snapshot base-real cow N 8`,
    },
    workload: {
      fio: [
        '[global]',
        'filename=/dev/mapper/base',
        // device-mapper-test-suite's fio configs (snapshot fio_throughput / fio_latency): one
        // CPU per job from 0 up [R: that the 2019 figures were taken with these configs].
        'cpus_allowed=0-7',
        'cpus_allowed_policy=split',
        'direct=1',
        'bs=4k',
        'rw=randwrite',
        'randrepeat=1',
        engine === 'psync' ? 'ioengine=psync' : 'ioengine=libaio\niodepth=32',
        `numjobs=${jobs}`,
        `size=${size}g`,
        `offset_increment=${size}g`,
        `runtime=${runtimeMs}ms`,
        'time_based',
        'group_reporting',
        '[origin-writes]',
        '',
      ].join('\n'),
    },
  };
}

export const DD_2007_PUBLISHED = [
  { layout: 'none', chunkKiB: 0, mbs: 45.4 },
  { layout: 'same', chunkKiB: 8, mbs: 1.1 },
  { layout: 'same', chunkKiB: 512, mbs: 4.0 },
  { layout: 'separate', chunkKiB: 8, mbs: 1.2 },
  { layout: 'separate', chunkKiB: 512, mbs: 5.6 },
] as const;

/**
 * The one 2007 machine every §1 cell runs on (the post says only "Pentium 4 3 GHz, SATA
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
 * §1: dd if=/dev/zero of=<origin> bs=1M count=<mb> (buffered) on a 2007 SATA disk, 2.6.21,
 * on MACHINE_2007 (`extra` params override it).
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
