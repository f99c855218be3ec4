// The block layer's era table: what `params.kernel` changes in the request queue and in the
// page cache, in the shape of base/kernel-version.ts (per knob, the oldest value and each
// change with the first version that has it). Without `kernel`, the layers' own defaults
// (DEFAULT_BLOCK_OPTIONS, PAGE_CACHE_DEFAULTS) apply and this table is not consulted.
import { eraValues, kernelVersionOf, type EraTable, type KernelVersion } from '../base/kernel-version.js';
import type { BlockOptions } from './options.js';
import type { PageCacheOptions } from './page-cache.js';

/** Request-queue knobs by era [R: from the block layer's history, docs/references.md#block]. */
export const BLOCK_ERAS: EraTable = {
  // 2.6-4.x: the single request queue; blk-mq for every device from 5.0 (the legacy path went
  // in 5.0).
  queue: { oldest: 'legacy', steps: [{ since: '5.0', value: 'mq' }] },
  // CFQ was the legacy default from 2.6.18; with blk-mq the kernel picks (undefined).
  scheduler: { oldest: 'cfq', steps: [{ since: '5.0', value: undefined }] },
  // rq_affinity (complete on the submitting CPU's group) from 2.6.28.
  rq_affinity: { oldest: 0, steps: [{ since: '2.6.28', value: 1 }] },
  // BLK_DEF_MAX_SECTORS 1024 (512 KiB) in 2.6; 2560 (1280 KiB) later.
  max_sectors: { oldest: 1024, steps: [{ since: '3.0', value: 2560 }] },
  // The legacy queue's own plug (blk_plug_device, unplug_thresh, the unplug timer) went in
  // 2.6.39 ("block: remove per-queue plugging"); on-stack plugging replaced it.
  queue_plugging: { oldest: true, steps: [{ since: '2.6.39', value: false }] },
  // On-stack plugging flushes at BLK_MAX_REQUEST_COUNT: 16 from 2.6.39, 32 from 5.16. Before
  // 2.6.39 the legacy queue's own plug (unplug_thresh / unplug_delay_ms) applies and this
  // knob is unused (it stays at the layer's default).
  plug_max_requests: {
    oldest: 32,
    steps: [
      { since: '2.6.39', value: 16 },
      { since: '5.16', value: 32 },
    ],
  },
};

/**
 * Page-cache knobs by era [R: from the sysctl history]: dirty_ratio 40 / background 10 until
 * 2.6.21, 10 / 5 in 2.6.22-2.6.29, 20 / 10 after; the IO-less throttle from 3.2; barriers (a
 * flush on fsync) on by default from 2.6.28; writeback bios of 512 KiB before 2.6.30.
 */
export const PAGE_CACHE_ERAS: EraTable = {
  dirty_ratio: {
    oldest: 40,
    steps: [
      { since: '2.6.22', value: 10 },
      { since: '2.6.30', value: 20 },
    ],
  },
  dirty_background_ratio: {
    oldest: 10,
    steps: [
      { since: '2.6.22', value: 5 },
      { since: '2.6.30', value: 10 },
    ],
  },
  throttle: { oldest: '2.6', steps: [{ since: '3.2', value: 'io-less' }] },
  fsync_flush: { oldest: false, steps: [{ since: '2.6.28', value: true }] },
  writeback_bio_kib: { oldest: 512, steps: [{ since: '2.6.30', value: 1024 }] },
};

/** The request-queue defaults of a kernel version ("2.6.21" or a parsed one). */
export function blockDefaultsForKernel(kernel: KernelVersion | string): Partial<BlockOptions> {
  return eraValues(BLOCK_ERAS, version(kernel)) as Partial<BlockOptions>;
}

/** The page-cache defaults of a kernel version ("2.6.21" or a parsed one). */
export function pageCacheDefaultsForKernel(kernel: KernelVersion | string): Partial<PageCacheOptions> {
  return eraValues(PAGE_CACHE_ERAS, version(kernel)) as Partial<PageCacheOptions>;
}

function version(kernel: KernelVersion | string): KernelVersion {
  return typeof kernel === 'string' ? (kernelVersionOf(kernel) as KernelVersion) : kernel;
}
