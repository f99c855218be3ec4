// Built-in device profiles: each a documented set of physical parameters. A profile is
// calibrated once against the published figures named in its `calibratedOn`; studies may
// override any parameter (`devices.<name>.<param>`), never per experiment inside the model.
// docs/devices.md renders this file's documentation.
import { LOOP_DEFAULTS } from './devices/loop.js';
import { NULL_BLK_DEFAULTS } from './devices/null-blk.js';
import { RAM_DEFAULTS } from './devices/ram.js';

export type DeviceKind = 'hdd' | 'ssd' | 'cloud' | 'null_blk' | 'ram' | 'loop';
export type ParamValue = number | boolean | string;

export interface ParamDoc {
  unit: string;
  meaning: string;
  /** Allowed values for a string or enumerated parameter. */
  values?: readonly ParamValue[];
}

export interface Profile {
  name: string;
  kind: DeviceKind;
  description: string;
  /** What the profile reproduces, and how well (filled from the calibration tests). */
  calibratedOn: string;
  params: Record<string, ParamValue>;
  /** Where each value comes from, with its evidence tag (docs/references.md#tags). */
  sources: Record<string, string>;
}

const HDD_DOCS: Record<string, ParamDoc> = {
  capacity_gb: { unit: 'GB (10^9 B)', meaning: 'capacity' },
  rpm: { unit: 'rev/min', meaning: 'spindle speed; one turn = 60/rpm s' },
  heads: { unit: 'count', meaning: 'recording surfaces' },
  zones: { unit: 'count', meaning: 'recording zones of equal cylinder count' },
  outer_mbps: { unit: 'MB/s', meaning: 'media rate of the outermost zone (sets its sectors per track)' },
  inner_mbps: { unit: 'MB/s', meaning: 'media rate of the innermost zone' },
  head_switch_ns: { unit: 'ns', meaning: 'switching surfaces within a cylinder (also the track skew)' },
  track_to_track_ns: { unit: 'ns', meaning: 'seek of one cylinder (also the cylinder skew)' },
  avg_seek_ns: { unit: 'ns', meaning: 'mean seek over random cylinder pairs' },
  full_stroke_ns: { unit: 'ns', meaning: 'seek across all cylinders' },
  command_overhead_ns: { unit: 'ns', meaning: 'firmware time per command' },
  link_mbps: { unit: 'MB/s', meaning: 'SATA interface rate' },
  read_segments: { unit: 'count', meaning: 'read cache segments (LRU)' },
  read_ahead_kib: { unit: 'KiB', meaning: 'read-ahead past a media read' },
  write_cache: { unit: 'bool', meaning: 'write-back cache enabled (hdparm -W)' },
  write_buffer_kib: { unit: 'KiB', meaning: 'dirty data the cache may hold' },
  write_buffer_extents: { unit: 'count', meaning: 'dirty extents the firmware tracks' },
  destage_max_kib: { unit: 'KiB', meaning: 'largest single destage write' },
  queue_depth: { unit: 'commands', meaning: 'NCQ depth (1 = no queueing)' },
  scheduling: { unit: 'policy', meaning: 'order of queued commands', values: ['fifo', 'sptf'] },
  issue_cpu_ns: { unit: 'ns CPU', meaning: 'driver issue path (libata/AHCI)' },
  irq_cpu_ns: { unit: 'ns CPU', meaning: 'interrupt handler' },
};

const SSD_DOCS: Record<string, ParamDoc> = {
  capacity_gb: { unit: 'GB (10^9 B)', meaning: 'user capacity' },
  raw_capacity_gb: { unit: 'GB (10^9 B)', meaning: 'raw flash (over-provisioning = raw/user - 1; sets GC write amplification)' },
  preconditioned: { unit: 'bool', meaning: 'steady state with GC (random writes pay WA) vs fresh out of box' },
  channels: { unit: 'count', meaning: 'NAND channels' },
  dies_per_channel: { unit: 'count', meaning: 'dies per channel' },
  planes_per_die: { unit: 'count', meaning: 'independent read units per die' },
  page_bytes: { unit: 'B', meaning: 'flash page' },
  read_ns: { unit: 'ns', meaning: 'page read tR' },
  program_ns: { unit: 'ns', meaning: 'program time tPROG of one program unit' },
  program_unit_bytes: { unit: 'B', meaning: 'bytes per program operation (page x planes)' },
  channel_mbps: { unit: 'MB/s', meaning: 'NAND channel bus rate' },
  link_mbps: { unit: 'MB/s', meaning: 'host link rate per direction' },
  link_full_duplex: { unit: 'bool', meaning: 'reads and writes share the link (false) or not (true)' },
  controller_cores: { unit: 'count', meaning: 'controller cores processing commands' },
  command_overhead_ns: { unit: 'ns', meaning: 'controller time per command' },
  write_ack_ns: { unit: 'ns', meaning: 'firmware time to acknowledge a buffered write' },
  write_buffer_mib: { unit: 'MiB', meaning: 'DRAM write buffer' },
  flush_ns: { unit: 'ns', meaning: 'cache flush latency after the buffer drained' },
  queue_depth: { unit: 'commands', meaning: 'commands accepted per hardware queue' },
  hw_queues: { unit: 'count', meaning: 'hardware submission queues' },
  issue_cpu_ns: { unit: 'ns CPU', meaning: 'driver issue path' },
  irq_cpu_ns: { unit: 'ns CPU', meaning: 'interrupt handler' },
};

const CLOUD_DOCS: Record<string, ParamDoc> = {
  capacity_gb: { unit: 'GB (10^9 B)', meaning: 'provisioned size (the caps of a cloud volume scale with it)' },
  read_iops: { unit: 'IOPS', meaning: 'sustained read IOPS cap (token bucket rate; 0 = none)' },
  write_iops: { unit: 'IOPS', meaning: 'sustained write IOPS cap (token bucket rate; 0 = none)' },
  read_mbps: { unit: 'MB/s (10^6 B/s)', meaning: 'sustained read bandwidth cap (0 = none)' },
  write_mbps: { unit: 'MB/s (10^6 B/s)', meaning: 'sustained write bandwidth cap (0 = none)' },
  burst_ios: { unit: 'I/Os', meaning: 'burst credit: depth of each direction\'s IOPS bucket (full at start)' },
  burst_mb: { unit: 'MB', meaning: 'burst credit: depth of each direction\'s bandwidth bucket' },
  peak_iops: { unit: 'IOPS', meaning: 'rate at which burst credit may be spent, per direction (0 = only the queue bounds it)' },
  read_latency_ns: { unit: 'ns', meaning: 'base latency of an admitted read (network round trip + backend)' },
  write_latency_ns: { unit: 'ns', meaning: 'base latency of an admitted write or flush' },
  queue_depth: { unit: 'commands', meaning: 'commands the virtual controller accepts at once' },
  max_io_kib: { unit: 'KiB', meaning: 'largest command (max_hw_sectors)' },
  issue_cpu_ns: { unit: 'ns CPU', meaning: 'driver issue path (virtio-scsi)' },
  irq_cpu_ns: { unit: 'ns CPU', meaning: 'interrupt handler' },
};

const NULL_BLK_DOCS: Record<string, ParamDoc> = {
  queue_mode: { unit: 'enum', meaning: '0 bio-based (modelled as blk-mq without scheduler), 1 single queue, 2 blk-mq', values: [0, 1, 2] },
  irqmode: { unit: 'enum', meaning: '0 inline, 1 softirq, 2 timer', values: [0, 1, 2] },
  completion_nsec: { unit: 'ns', meaning: 'service time with irqmode=2' },
  submit_queues: { unit: 'count', meaning: 'hardware queues' },
  hw_queue_depth: { unit: 'tags', meaning: 'tags per hardware queue' },
  gb: { unit: 'GiB', meaning: 'size' },
  bs: { unit: 'B', meaning: 'logical block size' },
  mbps: { unit: 'MB/s', meaning: 'bandwidth cap, 0 = none' },
  issue_cpu_ns: { unit: 'ns CPU', meaning: 'null_queue_rq' },
  irq_cpu_ns: { unit: 'ns CPU', meaning: 'completion entry (softirq raise / hrtimer)' },
};

const RAM_DOCS: Record<string, ParamDoc> = {
  size_mib: { unit: 'MiB', meaning: 'size' },
  copy_mbps: { unit: 'MB/s', meaning: 'memcpy bandwidth' },
  per_io_ns: { unit: 'ns', meaning: 'fixed cost per I/O' },
  issue_cpu_ns: { unit: 'ns CPU', meaning: 'driver entry' },
};

const LOOP_DOCS: Record<string, ParamDoc> = {
  offset_sectors: { unit: 'sectors', meaning: 'start of the backing file on the backing device' },
  size_sectors: { unit: 'sectors', meaning: 'size, 0 = rest of the backing device' },
  copy_mbps: { unit: 'MB/s', meaning: 'bandwidth of the extra copy' },
  per_io_ns: { unit: 'ns', meaning: 'per-request cost in the loop thread' },
  workers: { unit: 'count', meaning: 'loop worker threads (1 in 2.6)' },
  io: { unit: 'mode', meaning: 'backing file I/O: buffered (its page cache and read-ahead) or direct (LOOP_SET_DIRECT_IO, 4.4+)', values: ['buffered', 'direct'] },
};

export const PARAM_DOCS: Record<DeviceKind, Record<string, ParamDoc>> = {
  hdd: HDD_DOCS,
  ssd: SSD_DOCS,
  cloud: CLOUD_DOCS,
  null_blk: NULL_BLK_DOCS,
  ram: RAM_DOCS,
  loop: LOOP_DOCS,
};

const HDD_SATA_2007: Profile = {
  name: 'hdd-sata-2007',
  kind: 'hdd',
  description: '2007 desktop SATA disk, 7200 rpm, 250 GB, 8 MB cache, NCQ (Barracuda 7200.10 / Caviar SE16 class)',
  calibratedOn:
    'docs/references.md#device-facts physical facts (78 MB/s outer zone, 8.5 ms seek, 1 ms track-to-track, NCQ 31). On the documented 2007 machine (kernel-lib/scenario/calibration/kcopyd-2007.ts MACHINE_2007: ata_piix without NCQ, so queue_depth 1; write cache on; 512 MiB; 2.6.21) dd bs=1M count=1000 onto the raw volume gives 86.7 MB/s against the published 45.4 (a file on a filesystem) — a reported gap: with the write cache on, a raw sequential stream runs at the media rate',
  params: {
    capacity_gb: 250,
    rpm: 7200,
    heads: 4,
    zones: 16,
    outer_mbps: 78,
    inner_mbps: 42,
    head_switch_ns: 800_000,
    track_to_track_ns: 1_000_000,
    avg_seek_ns: 8_500_000,
    full_stroke_ns: 18_000_000,
    command_overhead_ns: 150_000,
    link_mbps: 150,
    read_segments: 16,
    read_ahead_kib: 512,
    write_cache: true,
    write_buffer_kib: 4096,
    write_buffer_extents: 64,
    destage_max_kib: 512,
    queue_depth: 31,
    scheduling: 'sptf',
    issue_cpu_ns: 3000,
    irq_cpu_ns: 3000,
  },
  sources: {
    capacity_gb: '[R] a common 2007 desktop size',
    rpm: '[D] docs/references.md#device-facts: 7200 rpm, 8.33 ms per turn (a generic 2007 desktop-disk figure; the published machine\'s disk model is not known)',
    heads: '[R] two platters',
    zones: '[R] 2007 drives: 15-30 zones',
    outer_mbps: '[D] docs/references.md#device-facts: about 78 MB/s outer-zone sustained rate',
    read_segments: '[R] 8 MB cache in 512 KiB segments',
    read_ahead_kib: '[R] one segment',
    write_cache: '[D] on by default on desktop SATA drives',
    write_buffer_extents: '[R] firmware command/segment table size',
    destage_max_kib: '[R] one segment',
    scheduling: '[D] NCQ drives reorder by rotational position',
    inner_mbps: '[R] 2007 data sheets: inner zone a little over half the outer rate',
    avg_seek_ns: '[D] docs/references.md#device-facts: about 8.5 ms average seek',
    track_to_track_ns: '[D] docs/references.md#device-facts: about 1 ms track-to-track',
    full_stroke_ns: '[R] desktop data sheets: about twice the average',
    head_switch_ns: '[R] DiskSim validated 7200 rpm drives: 0.6-1 ms',
    write_buffer_kib: '[D] 8-16 MB cache (docs/references.md#device-facts); half of an 8 MB cache for writes [R]',
    queue_depth: '[D] NCQ depth 31 (docs/references.md#device-facts)',
    link_mbps: '[R] ICH5/ICH6-era SATA 1.5 Gb/s host of a Pentium 4 3 GHz',
    command_overhead_ns: '[R] DiskSim-era desktop drives: 0.1-0.3 ms',
    issue_cpu_ns: '[R] Pentium 4 3 GHz libata path, a few us',
    irq_cpu_ns: '[R] Pentium 4 3 GHz interrupt + SCSI completion, a few us',
  },
};

const HDD_2019: Profile = {
  name: 'hdd-2019',
  kind: 'hdd',
  description: '2019 SATA disk, 375 GB test device (7200 rpm, 8.5 ms seek and NCQ 31 assumed: generic figures), 6 Gb/s, large cache with write-back on',
  calibratedOn:
    'docs/references.md#devices-2019, HDD row: 120 MB/s sequential (reproduced); random write 701 us / 1425 IOPS (model ~850 us / ~1150 IOPS, a gap); random read 1.4 ms / 712 IOPS out of mechanical reach (see docs/devices.md)',
  params: {
    capacity_gb: 375,
    rpm: 7200,
    heads: 4,
    zones: 24,
    outer_mbps: 128,
    inner_mbps: 65,
    head_switch_ns: 400_000,
    track_to_track_ns: 300_000,
    avg_seek_ns: 8_500_000,
    full_stroke_ns: 16_000_000,
    command_overhead_ns: 50_000,
    link_mbps: 600,
    read_segments: 32,
    read_ahead_kib: 1024,
    write_cache: true,
    write_buffer_kib: 131072,
    write_buffer_extents: 32768,
    destage_max_kib: 1024,
    queue_depth: 31,
    scheduling: 'sptf',
    issue_cpu_ns: 1500,
    irq_cpu_ns: 1500,
  },
  sources: {
    capacity_gb: '[D] 375 GB (docs/references.md#devices-2019)',
    rpm: '[R] 7200 rpm assumed: the 2019 source does not give the disk\'s speed; the figure is the generic one of docs/references.md#device-facts',
    heads: '[R]',
    zones: '[R]',
    inner_mbps: '[R] about half the outer rate',
    full_stroke_ns: '[R] data sheets: about twice the average',
    command_overhead_ns: '[R] modern firmware: tens of us',
    read_segments: '[R]',
    read_ahead_kib: '[R]',
    write_cache: '[D] write cache on (docs/references.md#devices-2019)',
    destage_max_kib: '[R]',
    queue_depth: '[R] NCQ 31 assumed: the generic SATA figure (docs/references.md#device-facts), not published for this disk',
    scheduling: '[R] NCQ rotational-position ordering assumed (what NCQ drives do in general)',
    issue_cpu_ns: '[R] libata/AHCI issue on a 2019 core',
    irq_cpu_ns: '[R]',
    outer_mbps: '[C] so that 256 KiB sequential I/O at the start of the disk gives 120 MB/s',
    avg_seek_ns: '[R] 8.5 ms assumed: the generic figure of docs/references.md#device-facts (2007 desktop SATA disks), not published for this disk',
    write_buffer_extents: '[C] dirty extents tracked: sets the destage positioning time under random writes (701 us target)',
    write_buffer_kib: '[R] half of a 256 MiB cache',
    track_to_track_ns: '[R] short-stroke read seeks of 2019 drives are quoted at 0.2-0.5 ms; taken at 0.3 ms',
    head_switch_ns: '[R] 0.3-0.5 ms',
    link_mbps: '[R] SATA 6 Gb/s',
  },
};

const SSD_SATA_2019: Profile = {
  name: 'ssd-sata-2019',
  kind: 'ssd',
  description: '2019 375 GB flash SSD (the device of docs/references.md#devices-2019). Its 701 MB/s read exceeds SATA III, so the link is modelled faster than SATA.',
  calibratedOn: 'docs/references.md#devices-2019, SSD row (six fio figures)',
  params: {
    capacity_gb: 375,
    raw_capacity_gb: 549.8,
    preconditioned: true,
    channels: 8,
    dies_per_channel: 2,
    planes_per_die: 2,
    page_bytes: 16384,
    read_ns: 95_000,
    program_ns: 1_300_000,
    program_unit_bytes: 32768,
    channel_mbps: 400,
    link_mbps: 720,
    link_full_duplex: false,
    controller_cores: 1,
    command_overhead_ns: 4_000,
    write_ack_ns: 55_000,
    write_buffer_mib: 64,
    flush_ns: 1_000_000,
    queue_depth: 32,
    hw_queues: 1,
    issue_cpu_ns: 1500,
    irq_cpu_ns: 1500,
  },
  sources: {
    capacity_gb: '[D] 375 GB (docs/references.md#devices-2019)',
    channels: '[R] 8-channel controller',
    planes_per_die: '[R] two independent planes',
    page_bytes: '[R] 16 KiB pages (2019 TLC)',
    program_unit_bytes: '[R] one 16 KiB page on two planes',
    channel_mbps: '[R] ONFI 4 / Toggle 3 era, 400-800 MT/s',
    link_full_duplex: '[R] half duplex, as SATA',
    controller_cores: '[R]',
    command_overhead_ns: '[R] a few us of firmware per command',
    write_buffer_mib: '[R] DRAM buffer',
    flush_ns: '[D] some SSDs take up to 8 ms to flush (docs/references.md#device-facts); 1 ms taken [R]',
    queue_depth: '[D] NCQ 32',
    hw_queues: '[D] one queue (SATA/SCSI)',
    issue_cpu_ns: '[R]',
    irq_cpu_ns: '[R]',
    raw_capacity_gb: '[R] 512 GiB of flash behind 375 GB: over-provisioning 0.47, greedy-GC WA 1.57',
    preconditioned: '[R] benchmark devices in steady state: random writes at 64k IOPS vs 390 MB/s sequential implies WA ~1.5',
    read_ns: '[C] 4 KiB random read at QD1 = 122 us',
    program_ns: '[C] sequential write bandwidth 390 MB/s = dies x unit / tPROG',
    link_mbps: '[C] sequential read 701 MB/s',
    write_ack_ns: '[C] 4 KiB random write at QD1 = 72.6 us',
    dies_per_channel: '[C] random read QD32 = 150 920 IOPS',
  },
};

const NVME_GEN4: Profile = {
  name: 'nvme-gen4',
  kind: 'ssd',
  description: 'PCIe 4.0 x4 NVMe SSD, 2 TB, Samsung 990 PRO class',
  calibratedOn: 'docs/references.md#device-facts: 7450/6900 MB/s sequential read/write, ~1.4M/1.55M 4 KiB random read/write IOPS',
  params: {
    capacity_gb: 2000,
    raw_capacity_gb: 2199,
    preconditioned: false,
    channels: 8,
    dies_per_channel: 8,
    planes_per_die: 1,
    page_bytes: 16384,
    read_ns: 40_000,
    program_ns: 600_000,
    program_unit_bytes: 65536,
    channel_mbps: 1600,
    link_mbps: 7600,
    link_full_duplex: true,
    controller_cores: 5,
    command_overhead_ns: 3_200,
    write_ack_ns: 8_000,
    write_buffer_mib: 256,
    flush_ns: 200_000,
    queue_depth: 1023,
    hw_queues: 8,
    issue_cpu_ns: 600,
    irq_cpu_ns: 500,
  },
  sources: {
    capacity_gb: '[D] 2 TB model',
    raw_capacity_gb: '[R] 2 TiB of flash',
    channels: '[D] 8-channel Pascal controller',
    dies_per_channel: '[R] 16 dies of 1 Tb with 4 independent planes each, modelled as 64 independent read/program units',
    planes_per_die: '[R] multi-plane reads need same-offset pages: one random read at a time per unit',
    page_bytes: '[R] 16 KiB',
    program_unit_bytes: '[R] 16 KiB x 4 planes',
    channel_mbps: '[D] Toggle 5.0, ~1.6-2 GT/s',
    link_full_duplex: '[D] PCIe is full duplex',
    write_ack_ns: '[R]',
    flush_ns: '[R]',
    queue_depth: '[D] NVMe queue of 1024 entries',
    hw_queues: '[R] one per CPU on an 8-CPU host',
    issue_cpu_ns: '[R] nvme_queue_rq',
    irq_cpu_ns: '[R]',
    link_mbps: '[D] PCIe 4.0 x4 after encoding and protocol overhead ~7.6-7.8 GB/s',
    write_buffer_mib: '[R] SLC cache region (TurboWrite), as a buffer',
    controller_cores: '[R] Pascal controller, 5 cores',
    read_ns: '[C] 1.4M random read IOPS at high depth: 64 dies / tR bounds random reads',
    program_ns: '[C] 6900 MB/s sequential write (SLC-mode programs): 64 dies x 64 KiB / tPROG',
    command_overhead_ns: '[C] 1.55M random write IOPS: 5 cores / overhead',
    preconditioned: '[D] vendor figures are fresh-out-of-box',
  },
};

// Cloud persistent disks (devices/cloud-disk.ts). Google Compute Engine's persistent-disk
// documentation of the time gave per-GB caps [R, from recollection, not re-checked]:
// pd-standard 0.75 read IOPS/GB, 1.5 write IOPS/GB, 0.12 MB/s per GB each way; pd-ssd
// 30 IOPS/GB each way, 0.48 MB/s per GB; plus per-VM limits not modelled here.
const PD_RECOLLECTION = 'GCE persistent-disk documentation, c. 2019';

const CLOUD_COMMON_SOURCES: Record<string, string> = {
  burst_ios: '[R] no burst credit documented: one queue of I/Os (the least a bucket needs to admit a full queue at once)',
  burst_mb: '[R] one queue of 256 KiB I/Os',
  peak_iops: '[R] none',
  queue_depth: '[R] virtio-scsi queue of a guest',
  max_io_kib: '[R] virtio-scsi max_sectors of 1024 sectors',
  issue_cpu_ns: '[R] virtio-scsi issue on a 2019 core',
  irq_cpu_ns: '[R]',
};

const CLOUD_PD_375G_2019: Profile = {
  name: 'cloud-pd-375g-2019',
  kind: 'cloud',
  description:
    'The "375 GB spinning disk" of docs/references.md#devices-2019 read as what its figures show: a rate-limited virtual disk (psync latency = 1 / QD32 IOPS in both directions, write cap = 2 x read cap, 1.4 ms random reads below half a turn at 7200 rpm)',
  calibratedOn:
    'docs/references.md#devices-2019, HDD row: all six fio figures within 4% (test/block/devices/cloud-disk-2019.test.ts; the +3% of the 2 s sequential read is the 8.4 MB burst credit). The caps are those of GCE pd-standard [R] at 950 GB (0.75 x 950 = 712.5 read IOPS, 1.5 x 950 = 1425 write IOPS, 0.12 x 950 = 114 MB/s), not at 375 GB (281 / 562 IOPS, 45 MB/s): either the disk was larger than its label or its caps were not the per-GB ones; the profile keeps the published caps [C]',
  params: {
    capacity_gb: 375,
    read_iops: 712,
    write_iops: 1425,
    read_mbps: 120,
    write_mbps: 120,
    burst_ios: 32,
    burst_mb: 8.4,
    peak_iops: 0,
    read_latency_ns: 500_000,
    write_latency_ns: 400_000,
    queue_depth: 128,
    max_io_kib: 512,
    issue_cpu_ns: 1500,
    irq_cpu_ns: 1500,
  },
  sources: {
    ...CLOUD_COMMON_SOURCES,
    capacity_gb: '[D] 375 GB (docs/references.md#devices-2019)',
    read_iops: `[C] QD32 random read 712 IOPS = 1 / 1.4 ms psync; equals pd-standard 0.75 IOPS/GB x 950 GB [R ${PD_RECOLLECTION}]`,
    write_iops: `[C] QD32 random write 1425 IOPS = 1 / 701 us psync; equals pd-standard 1.5 IOPS/GB x 950 GB [R ${PD_RECOLLECTION}]`,
    read_mbps: '[C] sequential read 120 MB/s',
    write_mbps: '[C] sequential write 120 MB/s',
    read_latency_ns: '[R] the rows only bound it: below 1 / read_iops = 1.40 ms, else psync latency would exceed the published 1.4 ms',
    write_latency_ns: '[R] the rows only bound it: below 1 / write_iops = 702 us',
  },
};

/** Per-GB caps of a GCE persistent-disk type, as documented c. 2019 [R]. */
interface PdType {
  readIopsPerGb: number;
  writeIopsPerGb: number;
  mbpsPerGb: number;
}

/**
 * A persistent-disk volume of `gb` GB: its caps are the type's per-GB rates times the size
 * (the arithmetic the sources spell out); latencies are the caller's.
 */
function persistentDisk(
  name: string,
  description: string,
  predicts: string,
  type: PdType,
  gb: number,
  latency: { read_latency_ns: number; write_latency_ns: number; readWhy: string; writeWhy: string },
): Profile {
  const perGb = (x: number, unit: string) => `[R] ${x} ${unit} x ${gb} GB (${PD_RECOLLECTION})`;
  return {
    name,
    kind: 'cloud',
    description,
    calibratedOn: `none: caps from the per-GB rates (${PD_RECOLLECTION}, from recollection); ${predicts}`,
    params: {
      capacity_gb: gb,
      read_iops: type.readIopsPerGb * gb,
      write_iops: type.writeIopsPerGb * gb,
      read_mbps: type.mbpsPerGb * gb,
      write_mbps: type.mbpsPerGb * gb,
      burst_ios: 32,
      burst_mb: 8.4,
      peak_iops: 0,
      read_latency_ns: latency.read_latency_ns,
      write_latency_ns: latency.write_latency_ns,
      queue_depth: 128,
      max_io_kib: 512,
      issue_cpu_ns: 1500,
      irq_cpu_ns: 1500,
    },
    sources: {
      ...CLOUD_COMMON_SOURCES,
      capacity_gb: `[D] ${gb} GB`,
      read_iops: perGb(type.readIopsPerGb, 'IOPS/GB'),
      write_iops: perGb(type.writeIopsPerGb, 'IOPS/GB'),
      read_mbps: perGb(type.mbpsPerGb, 'MB/s per GB'),
      write_mbps: perGb(type.mbpsPerGb, 'MB/s per GB'),
      read_latency_ns: latency.readWhy,
      write_latency_ns: latency.writeWhy,
    },
  };
}

const PD_STANDARD: PdType = { readIopsPerGb: 0.75, writeIopsPerGb: 1.5, mbpsPerGb: 0.12 };
const PD_SSD: PdType = { readIopsPerGb: 30, writeIopsPerGb: 30, mbpsPerGb: 0.48 };

const CLOUD_PD_STANDARD_375G = persistentDisk(
  'cloud-pd-standard-375g',
  'A 375 GB GCE pd-standard volume with the per-GB caps as documented c. 2019 [R]: what the label "375 GB" would give',
  'predicts 3.6 ms psync random read, 1.8 ms random write, 45 MB/s',
  PD_STANDARD,
  375,
  {
    read_latency_ns: 2_000_000,
    write_latency_ns: 1_000_000,
    readWhy: '[R] a replicated HDD-backed store: a few ms; below 1 / read_iops, so the cap binds at QD1',
    writeWhy: "[R] writes acknowledged from the replicas' memory",
  },
);

const CLOUD_PD_SSD_375G = persistentDisk(
  'cloud-pd-ssd-375g',
  'A 375 GB GCE pd-ssd volume with the per-GB caps as documented c. 2019 [R]',
  'predicts 11 250 IOPS each way at depth, base latency at QD1',
  PD_SSD,
  375,
  {
    read_latency_ns: 500_000,
    write_latency_ns: 700_000,
    readWhy: '[R] sub-millisecond network block store',
    writeWhy: '[R] replicated write, a little longer than a read',
  },
);

const NULL_BLK: Profile = {
  name: 'null_blk',
  kind: 'null_blk',
  description: 'null_blk with the kernel module defaults',
  calibratedOn: 'docs/references.md#null-blk-defaults (module defaults); software costs [R]',
  params: { ...NULL_BLK_DEFAULTS },
  sources: { queue_mode: '[S] null_blk main.c defaults', issue_cpu_ns: '[R]', irq_cpu_ns: '[R]' },
};

const RAM: Profile = {
  name: 'ram',
  kind: 'ram',
  description: 'brd RAM disk',
  calibratedOn: 'none (memcpy bandwidth assumed)',
  params: { ...RAM_DEFAULTS },
  sources: { copy_mbps: '[R]' },
};

const LOOP: Profile = {
  name: 'loop',
  kind: 'loop',
  description: 'loop device over a contiguous file on a backing device (needs `backing`)',
  calibratedOn: 'none',
  params: { ...LOOP_DEFAULTS },
  sources: { workers: '[S] 2.6 loop.c: one thread per device', io: '[S] 2.6 loop.c do_bio_filebacked: do_lo_send_aops / do_lo_receive through the file page cache; [R] LOOP_SET_DIRECT_IO 4.4, losetup default buffered' },
};

export const PROFILES: Readonly<Record<string, Profile>> = Object.freeze({
  'hdd-sata-2007': HDD_SATA_2007,
  'hdd-2019': HDD_2019,
  'ssd-sata-2019': SSD_SATA_2019,
  'nvme-gen4': NVME_GEN4,
  'cloud-pd-375g-2019': CLOUD_PD_375G_2019,
  'cloud-pd-standard-375g': CLOUD_PD_STANDARD_375G,
  'cloud-pd-ssd-375g': CLOUD_PD_SSD_375G,
  null_blk: NULL_BLK,
  ram: RAM,
  loop: LOOP,
});

/** Every profile with its parameters documented (unit, meaning, value, source). */
export function listProfiles(): {
  name: string;
  kind: DeviceKind;
  description: string;
  calibratedOn: string;
  params: { name: string; value: ParamValue; unit: string; meaning: string; source: string }[];
}[] {
  return Object.values(PROFILES).map((p) => ({
    name: p.name,
    kind: p.kind,
    description: p.description,
    calibratedOn: p.calibratedOn,
    params: Object.entries(p.params).map(([name, value]) => ({
      name,
      value,
      unit: PARAM_DOCS[p.kind][name]?.unit ?? '',
      meaning: PARAM_DOCS[p.kind][name]?.meaning ?? '',
      source: p.sources[name] ?? '',
    })),
  }));
}
