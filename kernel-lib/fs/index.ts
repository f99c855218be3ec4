// The file-system layer: ext2 and ext3 (with jbd) over a block device and its page cache.
// Layering: sim < base < block < fs < workload (the shell workload drives file systems);
// dm does not import fs.
export { ext2Layout, groupHasSuper, defaultJournalBlocks, type Ext2Layout, type GroupLayout } from './ext2-layout.js';
export { Ext2Image, FsError, EXT2_ROOT_INO } from './image.js';
export { Ext2Mount, type MountOptions } from './ext2.js';
export { Journal } from './jbd.js';
export { planMkfs, runMkfs, mkfsText, mkfsDefaults, type MkfsOptions, type MkfsWrite } from './mkfs.js';
export { parseFsParams, FS_DEFAULTS, FS_ERAS, type FsParams, type DataMode } from './options.js';
export { indirectBlocksFor, indirectPath, mappedBlocks, type Inode } from './inode.js';
export { recoverFileSystem, fsRecoveryText, type FsRecovery, type FileLoss } from './recover.js';
