// The on-disk geometry of an ext2/ext3 file system as mke2fs lays it out (e2fsprogs
// lib/ext2fs/initialize.c, alloc_tables.c, closefs.c): pure arithmetic, no I/O.
//
//   blocks per group   = 8 x block size (one block bitmap block covers the group)
//   first data block   = 1 for 1 KiB blocks (the superblock lives in block 1), else 0
//   superblock copies  = groups 0, 1 and powers of 3, 5, 7 (sparse_super)
//   in such a group    : [superblock][group descriptors][reserved GDT blocks (resize_inode)]
//   in every group     : [block bitmap][inode bitmap][inode table] at the first free blocks
//                        (ext2fs_allocate_group_table without flex_bg or a RAID stride)
//   inodes             = size / inode_ratio, rounded per group up to whole inode-table
//                        blocks and to a multiple of 8, at most 8 x block size per group
//   reserved GDT       = enough descriptor blocks to grow 1024-fold (or to 2^32 blocks),
//                        at most one indirect block's worth (calc_reserved_gdt_blocks)
// The journal's size is ext2fs_default_journal_size().

export const GROUP_DESC_SIZE = 32;

export interface MkfsGeometryOptions {
  /** Block size, bytes (1024, 2048, 4096). */
  blockSize: number;
  /** Bytes per inode (mke2fs -i; mke2fs.conf inode_ratio). */
  inodeRatio: number;
  /** Bytes per on-disk inode (128 until e2fsprogs 1.40, 256 after). */
  inodeSize: number;
  /** resize_inode: reserve GDT blocks for online growth. */
  resizeInode: boolean;
  /** Percentage of blocks reserved for root (-m, 5). */
  reservedPercent: number;
}

export interface GroupLayout {
  index: number;
  /** First and last block of the group. */
  first: number;
  last: number;
  /** Whether the group holds a superblock and descriptor copy (sparse_super). */
  hasSuper: boolean;
  /** Blocks of [superblock, descriptors, reserved GDT]: 0 without a copy. */
  superBlocks: number;
  blockBitmap: number;
  inodeBitmap: number;
  inodeTable: number;
}

export interface Ext2Layout {
  blockSize: number;
  blocksCount: number;
  firstDataBlock: number;
  blocksPerGroup: number;
  groupCount: number;
  inodesPerGroup: number;
  inodesCount: number;
  inodeSize: number;
  inodeTableBlocks: number;
  descBlocks: number;
  reservedGdtBlocks: number;
  reservedBlocks: number;
  groups: GroupLayout[];
}

/** Whether a group holds a superblock backup under sparse_super: 0, 1 and powers of 3, 5, 7. */
export function groupHasSuper(g: number): boolean {
  if (g <= 1) return true;
  for (const base of [3, 5, 7]) {
    let p = base;
    while (p < g) p *= base;
    if (p === g) return true;
  }
  return false;
}

function divCeil(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}

/** The geometry mke2fs gives a device of `bytes` bytes. */
export function ext2Layout(bytes: number, o: MkfsGeometryOptions): Ext2Layout {
  const bs = o.blockSize;
  const blocksCount = Math.floor(bytes / bs);
  const firstDataBlock = bs === 1024 ? 1 : 0;
  const blocksPerGroup = 8 * bs;
  let groupCount = divCeil(blocksCount - firstDataBlock, blocksPerGroup);
  // ext2fs_initialize: a last group too small for its own metadata (plus 50 blocks) is dropped.
  const descPerBlock = bs / GROUP_DESC_SIZE;
  const inodesPerBlock = bs / o.inodeSize;
  const inodesWanted = Math.floor((blocksCount * bs) / o.inodeRatio);
  const ipgFor = (groups: number) => {
    let ipg = divCeil(inodesWanted, groups);
    if (ipg > 8 * bs) ipg = 8 * bs;
    // Whole inode-table blocks, then a multiple of 8 (whole bytes of the inode bitmap).
    ipg = divCeil(ipg, inodesPerBlock) * inodesPerBlock;
    ipg = divCeil(ipg, 8) * 8;
    return Math.min(ipg, 8 * bs);
  };
  let inodesPerGroup = ipgFor(groupCount);
  let descBlocks = divCeil(groupCount, descPerBlock);
  const reservedGdt = () => {
    if (!o.resizeInode) return 0;
    const maxBlocks = blocksCount < 0xffffffff / 1024 ? blocksCount * 1024 : 0xffffffff;
    const rsvGroups = divCeil(maxBlocks - firstDataBlock, blocksPerGroup);
    return Math.min(divCeil(rsvGroups, descPerBlock) - descBlocks, bs / 4);
  };
  let reservedGdtBlocks = reservedGdt();
  const overhead = (g: number) => (groupHasSuper(g) ? 1 + descBlocks + reservedGdtBlocks : 0) + 2 + (inodesPerGroup * o.inodeSize) / bs;
  const lastGroupBlocks = blocksCount - firstDataBlock - (groupCount - 1) * blocksPerGroup;
  if (groupCount > 1 && lastGroupBlocks < overhead(groupCount - 1) + 50) {
    groupCount--;
    inodesPerGroup = ipgFor(groupCount);
    descBlocks = divCeil(groupCount, descPerBlock);
    reservedGdtBlocks = reservedGdt();
  }
  const usedBlocks = firstDataBlock + groupCount * blocksPerGroup;
  const count = Math.min(blocksCount, usedBlocks);
  const inodeTableBlocks = (inodesPerGroup * o.inodeSize) / bs;
  const groups: GroupLayout[] = [];
  for (let g = 0; g < groupCount; g++) {
    const first = firstDataBlock + g * blocksPerGroup;
    const last = Math.min(first + blocksPerGroup, count) - 1;
    const hasSuper = groupHasSuper(g);
    const superBlocks = hasSuper ? 1 + descBlocks + reservedGdtBlocks : 0;
    const blockBitmap = first + superBlocks;
    groups.push({ index: g, first, last, hasSuper, superBlocks, blockBitmap, inodeBitmap: blockBitmap + 1, inodeTable: blockBitmap + 2 });
  }
  return {
    blockSize: bs,
    blocksCount: count,
    firstDataBlock,
    blocksPerGroup,
    groupCount,
    inodesPerGroup,
    inodesCount: inodesPerGroup * groupCount,
    inodeSize: o.inodeSize,
    inodeTableBlocks,
    descBlocks,
    reservedGdtBlocks,
    reservedBlocks: Math.floor((count * o.reservedPercent) / 100),
    groups,
  };
}

/** ext2fs_default_journal_size(): journal blocks for a file system of `blocks` blocks (-1: too small). */
export function defaultJournalBlocks(blocks: number, table: '1.39' | '1.42' = '1.39'): number {
  if (blocks < 2048) return -1;
  if (table === '1.42') {
    if (blocks < 32768) return 1024;
    if (blocks < 256 * 1024) return 4096;
    if (blocks < 512 * 1024) return 8192;
    if (blocks < 4096 * 1024) return 16384;
    if (blocks < 8192 * 1024) return 32768;
    if (blocks < 16384 * 1024) return 65536;
    if (blocks < 32768 * 1024) return 131072;
    return 262144;
  }
  if (blocks < 32768) return 1024;
  if (blocks < 256 * 1024) return 4096;
  if (blocks < 512 * 1024) return 8192;
  if (blocks < 1024 * 1024) return 16384;
  return 32768;
}
