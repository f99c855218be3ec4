// The block layer's public surface: `import { createDevice, Bio } from '../block/index.js'`.
export { Bio, SECTOR_SIZE, REQ_SYNC, REQ_FUA, REQ_PREFLUSH, REQ_META, REQ_RAHEAD, type BioOp, type BioEndIo } from './bio.js';
export { bioPayload, setBioPayload, inheritBioPayload, type BioPayload } from './bio-payload.js';
export type { BlockDevice, DiskStats } from './device.js';
export type { BlockDriver, DriverHost } from './driver.js';
export { Request } from './request.js';
export { BlkCore } from './blk-core.js';
export { RequestQueue } from './request-queue.js';
export { BlkMq, HwQueue } from './blk-mq.js';
export { blkStartPlug, blkFinishPlug, currentPlug } from './plug.js';
export {
  DEFAULT_BLOCK_OPTIONS,
  parseBlockOptions,
  type BlockOptions,
  type QueueMode,
  type SchedulerName,
} from './options.js';
export { createDevice, createDriver, resolveParams, type DeviceSpec, type QueuedDevice } from './create-device.js';
export { PROFILES, PARAM_DOCS, listProfiles, type Profile, type DeviceKind, type ParamDoc } from './profiles.js';
export { Hdd, type HddParams, type HeadMove } from './devices/hdd.js';
export { HddGeometry } from './devices/hdd-geometry.js';
export { SeekCurve } from './devices/hdd-seek.js';
export { Ssd, type SsdParams } from './devices/ssd.js';
export { NullBlk, NULL_BLK_DEFAULTS, type NullBlkParams } from './devices/null-blk.js';
export { RamDisk, RAM_DEFAULTS, type RamParams } from './devices/ram.js';
export { LoopDevice, LOOP_DEFAULTS, type LoopParams } from './devices/loop.js';
export {
  PageCache,
  PAGE_SIZE,
  PAGE_CACHE_DEFAULTS,
  parsePageCacheOptions,
  type PageCacheOptions,
} from './page-cache.js';
export { BLOCK_ERAS, PAGE_CACHE_ERAS, blockDefaultsForKernel, pageCacheDefaultsForKernel } from './kernel-presets.js';
export { Writeback, MAX_WRITEBACK_PAGES } from './writeback.js';
export { ExtentSet } from './extent-set.js';
