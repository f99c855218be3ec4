// persistent-data: block manager, transaction manager, space maps, btrees over dm-bufio.
export { BtreeNode, calcMaxEntries, lowerBound, INTERNAL_NODE, LEAF_NODE, NODE_HEADER_BYTES } from './btree-node.js';
export { DmBtree, NOT_NOW, SPACE_THRESHOLD, type BtreeSplit, type BtreeStats } from './btree.js';
export { type ValueType } from './btree-spine.js';
export { DmBlock, DmBlockManager } from './block-manager.js';
export { cloneBlock, OpaqueBlock, PdataError, type BlockData } from './block-data.js';
export { DmTransactionManager } from './transaction-manager.js';
export { DmSpaceMap, entriesPerBitmapBlock } from './space-map.js';
export { PersistentMetadata, Superblock, SUPERBLOCK_LOCATION, type PersistentMetadataOptions } from './persistent-metadata.js';
export { PDATA_PARAMS, PDATA_ERAS, parsePdataParams, type CommitMode, type PdataParams } from './params.js';
export { checkMetadata, type MetadataCheck } from './checker.js';
export { DmArray, ArrayBlock, ARRAY_BLOCK_HEADER_BYTES } from './array.js';
export { DmBitset } from './bitset.js';
