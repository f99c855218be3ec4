// dm-vdo's constants (drivers/md/dm-vdo/constants.h, encodings.h, data-vio.h; vdo.rst), named as
// the kernel names them. docs/references.md#vdo-constants, #vdo-sources.

/** VDO_BLOCK_SIZE: the only block size; every data_vio covers one. */
export const VDO_BLOCK_SIZE = 4096;
export const VDO_SECTORS_PER_BLOCK = 8;
/** MAXIMUM_VDO_USER_VIOS: the data_vio pool. */
export const MAXIMUM_VDO_USER_VIOS = 2048;
/** Discards may hold at most 75 % of the pool (vdo.rst: "limited to 1500 at a time"). */
export const DATA_VIO_DISCARD_LIMIT = (MAXIMUM_VDO_USER_VIOS * 3) / 4;
/** DATA_VIO_RELEASE_BATCH_SIZE: data_vios returned to the pool per pass of the release callback. */
export const DATA_VIO_RELEASE_BATCH_SIZE = 128;
export const DEFAULT_VDO_BIO_SUBMIT_QUEUE_COUNT = 4;
export const DEFAULT_VDO_BIO_SUBMIT_QUEUE_ROTATE_INTERVAL = 64;
export const VDO_BIO_ROTATION_INTERVAL_LIMIT = 1024;
export const MAX_VDO_LOGICAL_ZONES = 60;
export const MAX_VDO_PHYSICAL_ZONES = 16;
/** MAXIMUM_VDO_THREADS */
export const MAXIMUM_VDO_THREADS = 100;
/** VDO_BLOCK_MAP_ENTRIES_PER_PAGE: 5-byte entries (36-bit PBN, 4-bit state) in a 4 KiB page. */
export const VDO_BLOCK_MAP_ENTRIES_PER_PAGE = 812;
/** VDO_BLOCK_MAP_TREE_HEIGHT: levels of a tree above its leaves (the root at height 4; block-map-tree.ts). */
export const VDO_BLOCK_MAP_TREE_HEIGHT = 5;
/** DEFAULT_VDO_BLOCK_MAP_TREE_ROOT_COUNT: trees interleaved page by page; tree n -> logical zone n mod L. */
export const DEFAULT_VDO_BLOCK_MAP_TREE_ROOT_COUNT = 60;
/** RECOVERY_JOURNAL_ENTRIES_PER_BLOCK (the v1 format the reference gives). */
export const RECOVERY_JOURNAL_ENTRIES_PER_BLOCK = 311;
/** DEFAULT_VDO_RECOVERY_JOURNAL_SIZE, in blocks. */
export const DEFAULT_VDO_RECOVERY_JOURNAL_SIZE = 32 * 1024;
/** DEFAULT_VDO_SLAB_JOURNAL_SIZE, in blocks. */
export const DEFAULT_VDO_SLAB_JOURNAL_SIZE = 224;
/**
 * Slab journal entries per 4 KiB block: 3-byte entries after the block header
 * ((4096 - 40) / 3) [R: derived from the encoding, not copied from the source].
 */
export const SLAB_JOURNAL_ENTRIES_PER_BLOCK = 1352;
/** MAX_VDO_SLABS */
export const MAX_VDO_SLABS = 8192;
/** Most references one block may hold (dedupe limit, vdo-design.rst). */
export const MAXIMUM_REFERENCE_COUNT = 254;
/** VDO_MAX_COMPRESSION_SLOTS: fragments in one compressed block. */
export const VDO_MAX_COMPRESSION_SLOTS = 14;
/** VDO_COMPRESSED_BLOCK_DATA_SIZE: a compressed block's room for fragments (block less its header). */
export const VDO_COMPRESSED_BLOCK_DATA_SIZE = VDO_BLOCK_SIZE - 32;
/** DEFAULT_PACKER_BINS */
export const DEFAULT_PACKER_BINS = 16;
/** Allocations a logical zone makes in one physical zone before moving to the next [R]. */
export const ALLOCATIONS_PER_ZONE = 128;
/** Block-map era length bounds (vdo.rst). */
export const MAX_BLOCK_MAP_ERA_LENGTH = 16380;
/** Minimum block map cache, and per logical zone (2 x MAXIMUM_VDO_USER_VIOS, parse_device_config). */
export const MINIMUM_BLOCK_MAP_CACHE_BLOCKS = 2 * MAXIMUM_VDO_USER_VIOS;
/** Recovery-journal blocks being written at once (the journal's tail buffer) [R]. */
export const RECOVERY_JOURNAL_TAIL_BUFFER_BLOCKS = 64;
