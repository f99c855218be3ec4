// Block-layer knobs, named as the kernel names them (sysfs /sys/block/<dev>/queue/* and the
// compile-time constants behind them). A scenario sets them by dotted path under `block.`
// (`block.nr_requests: 64`, `block.scheduler: deadline`); `parseBlockOptions` validates an
// untyped record and names the bad key.
//
// Sources: docs/references.md#block ([S] = checked in source there, [R] = recollection, kept
// as a parameter precisely because it is uncertain).

import { describeValue } from '../base/describe-value.js';

export type QueueMode = 'legacy' | 'mq';
export type SchedulerName = 'noop' | 'deadline' | 'cfq' | 'none' | 'mq-deadline';

export const LEGACY_SCHEDULERS: readonly SchedulerName[] = ['noop', 'deadline', 'cfq'];
export const MQ_SCHEDULERS: readonly SchedulerName[] = ['none', 'mq-deadline'];

export interface BlockOptions {
  /** `legacy`: the 2.6-era single request queue; `mq`: blk-mq. */
  queue: QueueMode;
  /**
   * I/O scheduler. Undefined picks the kernel's default: cfq for the legacy queue (default
   * since 2.6.18 [R]); for blk-mq, mq-deadline on single-hardware-queue devices and none on
   * multi-queue ones (elevator_get_default).
   */
  scheduler: SchedulerName | undefined;
  /**
   * Legacy: requests per direction, BLKDEV_MAX_RQ = 128 [S]. blk-mq: scheduler tags per
   * hardware queue; undefined = 2 x min(queue_depth, 128) with a scheduler [S
   * blk_mq_init_sched], the driver's queue depth without.
   */
  nr_requests: number | undefined;
  /** Largest request in 512 B sectors; BLK_DEF_MAX_SECTORS = 1024 (512 KiB) in 2.6 [S]. */
  max_sectors: number;
  /** Segments per request, MAX_PHYS_SEGMENTS = 128 [S]. */
  max_segments: number;
  /** Bytes per segment, MAX_SEGMENT_SIZE = 65536 [S]. */
  max_segment_size: number;
  /**
   * Legacy queue: whether an empty queue plugs itself when a request arrives (2.6's
   * blk_plug_device, with unplug_thresh and the unplug timer). Removed in 2.6.39, when on-stack
   * (per-task) plugging replaced it; with `false` the legacy queue runs at once.
   */
  queue_plugging: boolean;
  /** Legacy plugging: unplug once this many requests are queued (unplug_thresh = 4) [S]. */
  unplug_thresh: number;
  /** Legacy plugging: unplug timer (unplug_delay = 3 ms) [S]. */
  unplug_delay_ms: number;
  /** blk-mq per-task plug: flush at this many requests (BLK_MAX_REQUEST_COUNT = 32) [S]. */
  plug_max_requests: number;
  /** blk-mq per-task plug: flush once the last request is this big (BLK_PLUG_FLUSH_SIZE) [S]. */
  plug_flush_bytes: number;
  /** 0: complete where the interrupt lands; 1: IPI to the submitting CPU unless they share a cache; 2: always IPI [S]. */
  rq_affinity: 0 | 1 | 2;
  /** Whether all CPUs share a last-level cache (one socket). Decides rq_affinity = 1. */
  cpus_share_cache: boolean;
  /** CPU that takes the device interrupt for a single-vector device (legacy queue). */
  irq_cpu: number;
  // Deadline tunables (block/deadline-iosched.c) [S].
  read_expire_ms: number;
  write_expire_ms: number;
  fifo_batch: number;
  writes_starved: number;
  front_merges: boolean;
  // CFQ-like mode: time slices per class (cfq_slice_sync = HZ/10, cfq_slice_async = HZ/25) [S].
  slice_sync_ms: number;
  slice_async_ms: number;
  /**
   * cfq_slice_idle (HZ/125 = 8 ms) [S]: after the last sync request of the process whose
   * queue is active completes, CFQ waits this long for that process's next request before
   * serving anyone else, if the process's mean think time is below it. 0 turns idling off.
   */
  slice_idle_ms: number;
  // CPU cost of each layer, ns of simulated CPU [R: order of magnitude from perf profiles of
  // the block layer; a 3 GHz core spends about 1 us in submit_bio..queue_rq].
  /** submit_bio -> request allocation and insertion, charged to the submitting thread. */
  submit_cpu_ns: number;
  /** An attempted or successful merge (hash lookup, elevator callbacks). */
  merge_cpu_ns: number;
  /** Request completion in softirq (end_request, bio_endio), on the completing CPU. */
  complete_cpu_ns: number;
  /** Sending an IPI and the remote softirq entry, charged to both CPUs. */
  ipi_cpu_ns: number;
}

export const DEFAULT_BLOCK_OPTIONS: Readonly<BlockOptions> = Object.freeze({
  queue: 'mq',
  scheduler: undefined,
  nr_requests: undefined,
  max_sectors: 1024,
  max_segments: 128,
  max_segment_size: 65536,
  queue_plugging: true,
  unplug_thresh: 4,
  unplug_delay_ms: 3,
  plug_max_requests: 32,
  plug_flush_bytes: 128 * 1024,
  rq_affinity: 1,
  cpus_share_cache: true,
  irq_cpu: 0,
  read_expire_ms: 500,
  write_expire_ms: 5000,
  fifo_batch: 16,
  writes_starved: 2,
  front_merges: true,
  slice_sync_ms: 100,
  slice_async_ms: 40,
  slice_idle_ms: 8,
  submit_cpu_ns: 1000,
  merge_cpu_ns: 200,
  complete_cpu_ns: 700,
  ipi_cpu_ns: 1500,
} satisfies BlockOptions);

type Check = (v: unknown) => string | null;
const positiveInt: Check = (v) => (Number.isSafeInteger(v) && (v as number) >= 1 ? null : 'a positive integer');
const nonNegative: Check = (v) => (typeof v === 'number' && v >= 0 && Number.isFinite(v) ? null : 'a number >= 0');
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'true or false');
const oneOf =
  (...values: readonly unknown[]): Check =>
  (v) =>
    values.includes(v) ? null : `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;

const CHECKS: Record<keyof BlockOptions, Check> = {
  queue: oneOf('legacy', 'mq'),
  scheduler: oneOf(undefined, ...LEGACY_SCHEDULERS, ...MQ_SCHEDULERS),
  nr_requests: (v) => (v === undefined ? null : Number.isSafeInteger(v) && (v as number) >= 4 ? null : 'an integer >= 4 (BLKDEV_MIN_RQ)'),
  max_sectors: (v) => (Number.isSafeInteger(v) && (v as number) >= 8 ? null : 'an integer >= 8 sectors'),
  max_segments: positiveInt,
  max_segment_size: (v) => (Number.isSafeInteger(v) && (v as number) >= 4096 ? null : 'an integer >= 4096 bytes'),
  queue_plugging: bool,
  unplug_thresh: positiveInt,
  unplug_delay_ms: nonNegative,
  plug_max_requests: positiveInt,
  plug_flush_bytes: positiveInt,
  rq_affinity: oneOf(0, 1, 2),
  cpus_share_cache: bool,
  irq_cpu: (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? null : 'a CPU index >= 0'),
  read_expire_ms: nonNegative,
  write_expire_ms: nonNegative,
  fifo_batch: positiveInt,
  writes_starved: positiveInt,
  front_merges: bool,
  slice_sync_ms: nonNegative,
  slice_async_ms: nonNegative,
  slice_idle_ms: nonNegative,
  submit_cpu_ns: nonNegative,
  merge_cpu_ns: nonNegative,
  complete_cpu_ns: nonNegative,
  ipi_cpu_ns: nonNegative,
};

/**
 * Validates an untyped record (the `block` part of a scenario's params, keys without the
 * `block.` prefix) over the defaults. Errors name the key as the user wrote it, with `prefix`.
 */
export function parseBlockOptions(record: Record<string, unknown> = {}, prefix = 'block', base: Partial<BlockOptions> = {}): BlockOptions {
  const out: BlockOptions = { ...DEFAULT_BLOCK_OPTIONS, ...base };
  for (const [key, value] of Object.entries(record)) {
    if (!Object.hasOwn(CHECKS, key)) {
      throw new Error(`${prefix}.${key}: unknown block-layer parameter; known: ${Object.keys(CHECKS).join(', ')}`);
    }
    const problem = CHECKS[key as keyof BlockOptions](value);
    if (problem !== null) throw new Error(`${prefix}.${key}: expected ${problem}, got ${describeValue(value)}`);
    (out as unknown as Record<string, unknown>)[key] = value;
  }
  const schedulers = out.queue === 'legacy' ? LEGACY_SCHEDULERS : MQ_SCHEDULERS;
  if (out.scheduler !== undefined && !schedulers.includes(out.scheduler)) {
    throw new Error(`${prefix}.scheduler: ${JSON.stringify(out.scheduler)} is not available with ${prefix}.queue=${out.queue}; use one of ${schedulers.join(', ')}`);
  }
  return out;
}
