// mke2fs: the geometry (ext2-layout.ts), the inodes mkfs makes (root, lost+found, the resize
// inode's block, the journal), and the writes it issues, in its order (misc/mke2fs.c main):
// zap the boot sectors, zero every inode table (write_inode_tables), the root directory and
// lost+found (16 KiB), the reserved GDT blocks of every superblock copy (resize inode), the
// journal zeroed block by block with its superblock (ext3), then ext2fs_close: superblock and
// group descriptors in every group that holds a copy, the block and inode bitmaps of every
// group. mke2fs writes through the block device's page cache and fsyncs at close; the last
// close of the device then drops its cache.
//
// lazy_itable_init (-E lazy_itable_init=1) skips zeroing only the part of an inode table that
// the descriptor marks unused (bg_itable_unused), which exists only with the uninit_bg /
// gdt_csum feature: ext2 and ext3 do not have it, so their inode tables are written either
// way (mke2fs.c write_inode_tables), in every era.
import type { PageCache } from '../block/page-cache.js';
import type { Thread } from '../sim/cpu.js';
import type { ProcessGenerator } from '../sim/index.js';
import { defaultJournalBlocks, ext2Layout, type Ext2Layout } from './ext2-layout.js';
import { EXT2_ROOT_INO, EXT3_JOURNAL_INO, Ext2Image } from './image.js';
import { addBlocks, blocksToBoundary, indirectPath, type Inode } from './inode.js';
import type { FsParams } from './options.js';

export interface MkfsOptions {
  /** -b; undefined: mke2fs.conf's choice by size (1024 below 512 MiB, else 4096). */
  blockSize?: number;
  /** -j, or mkfs.ext3. */
  journal: boolean;
  /** -i, -I, -m. */
  inodeRatio?: number;
  inodeSize?: number;
  reservedPercent?: number;
  /** -E lazy_itable_init= (accepted; see the file comment). */
  lazyItableInit: boolean;
  /** -q */
  quiet: boolean;
}

/** One range of blocks mkfs writes, and why (tests check positions against mke2fs's). */
export interface MkfsWrite {
  what: 'boot' | 'inode-table' | 'directory' | 'reserved-gdt' | 'resize-inode' | 'journal' | 'superblock' | 'block-bitmap' | 'inode-bitmap';
  group: number;
  block: number;
  blocks: number;
}

/** mke2fs.conf: "small" (< 512 MiB) and "floppy" (< 3 MiB) file systems get 1 KiB blocks and, small, 4 KiB per inode. */
export function mkfsDefaults(bytes: number, params: FsParams, o: MkfsOptions): { blockSize: number; inodeRatio: number; inodeSize: number } {
  const small = bytes < 512 * 2 ** 20;
  const floppy = bytes < 3 * 2 ** 20;
  const blockSize = o.blockSize ?? (small ? 1024 : 4096);
  const inodeRatio = o.inodeRatio ?? (floppy ? 8192 : small ? 4096 : params.inodeRatio);
  const inodeSize = o.inodeSize ?? (small ? 128 : params.inodeSize);
  return { blockSize, inodeRatio, inodeSize };
}

/** Allocates logical blocks [0, n) of a new inode from `goal`, indirect blocks before the data they map (mkjournal_proc, ext2fs_block_iterate). */
function allocateFile(img: Ext2Image, inode: Inode, n: number, goal: number, writes: MkfsWrite[], what: MkfsWrite['what']): number {
  const perBlock = img.layout.blockSize / 4;
  let l = 0;
  while (l < n) {
    for (const key of indirectPath(l, perBlock)) {
      if (inode.indirect.has(key)) continue;
      const [b] = img.allocBlocks(goal, 1);
      inode.indirect.set(key, b);
      writes.push({ what, group: img.groupOfBlock(b), block: b, blocks: 1 });
      goal = b + 1;
    }
    const want = Math.min(n - l, blocksToBoundary(l, perBlock));
    const [p, k] = img.allocBlocks(goal, want);
    addBlocks(inode, l, p, k);
    const last = writes[writes.length - 1];
    if (last !== undefined && last.what === what && last.block + last.blocks === p) last.blocks += k;
    else writes.push({ what, group: img.groupOfBlock(p), block: p, blocks: k });
    goal = p + k;
    l += k;
  }
  inode.size = n * img.layout.blockSize;
  return goal;
}

/** The image mkfs leaves and the writes it makes, in order (no I/O yet). */
export function planMkfs(bytes: number, o: MkfsOptions, params: FsParams): { image: Ext2Image; writes: MkfsWrite[]; journalBlocks: number } {
  const d = mkfsDefaults(bytes, params, o);
  const layout = ext2Layout(bytes, { blockSize: d.blockSize, inodeRatio: d.inodeRatio, inodeSize: d.inodeSize, resizeInode: true, reservedPercent: o.reservedPercent ?? 5 });
  const img = new Ext2Image(layout, { journal: o.journal });
  const L = layout;
  const writes: MkfsWrite[] = [{ what: 'boot', group: 0, block: 0, blocks: Math.max(1, Math.floor(4096 / L.blockSize)) }];
  for (const g of L.groups) writes.push({ what: 'inode-table', group: g.index, block: g.inodeTable, blocks: L.inodeTableBlocks });
  // Root directory, then lost+found grown to 16 KiB, from the first free block of group 0.
  const root = img.makeInode(0, true, EXT2_ROOT_INO, EXT2_ROOT_INO);
  let goal = allocateFile(img, root, 1, L.firstDataBlock, writes, 'directory');
  root.dirTail = 24 + 20;
  const lf = img.makeInode(0, true, EXT2_ROOT_INO, 11);
  goal = allocateFile(img, lf, Math.max(1, 16384 / L.blockSize), goal, writes, 'directory');
  root.entries!.set('lost+found', 11);
  // The resize inode's double-indirect block; its reserved GDT blocks in every copy.
  const [dind] = img.allocBlocks(goal, 1);
  writes.push({ what: 'resize-inode', group: 0, block: dind, blocks: 1 });
  for (const g of L.groups) {
    if (g.hasSuper && L.reservedGdtBlocks > 0) writes.push({ what: 'reserved-gdt', group: g.index, block: g.first + 1 + L.descBlocks, blocks: L.reservedGdtBlocks });
  }
  let journalBlocks = 0;
  if (o.journal) {
    journalBlocks = defaultJournalBlocks(L.blocksCount, params.journalSizeTable);
    if (journalBlocks > 0) {
      let jgoal = dind + 1;
      if (params.journalPlacement === 'middle') {
        // get_midpoint_journal_block: of the middle group and its neighbours, the one with the most free blocks.
        const mid = img.groupOfBlock(Math.floor((L.blocksCount - L.firstDataBlock) / 2));
        const start = mid > 0 ? mid - 1 : mid;
        const end = mid + 1 < L.groupCount ? mid + 1 : mid;
        let best = start;
        for (let g = start + 1; g <= end; g++) if (img.freeBlocksIn(g) > img.freeBlocksIn(best)) best = g;
        jgoal = L.groups[best].first;
      }
      const jino = img.makeInode(0, false, EXT2_ROOT_INO, EXT3_JOURNAL_INO);
      allocateFile(img, jino, journalBlocks, jgoal, writes, 'journal');
      img.journal = { blocks: journalBlocks, inode: jino };
    }
  }
  for (const g of L.groups) {
    if (g.hasSuper) writes.push({ what: 'superblock', group: g.index, block: g.first, blocks: 1 + L.descBlocks });
  }
  for (const g of L.groups) writes.push({ what: 'block-bitmap', group: g.index, block: g.blockBitmap, blocks: 1 });
  for (const g of L.groups) writes.push({ what: 'inode-bitmap', group: g.index, block: g.inodeBitmap, blocks: 1 });
  return { image: img, writes, journalBlocks };
}

/** Issues mkfs's writes through the device's cache, fsyncs, drops the cache (the close). */
export function* runMkfs(cache: PageCache, thread: Thread | null, plan: { writes: MkfsWrite[]; image: Ext2Image }): ProcessGenerator<void> {
  const bs = plan.image.layout.blockSize;
  for (const w of plan.writes) yield* cache.write(thread, w.block * bs, w.blocks * bs);
  yield* cache.fsync(thread);
  cache.dropClean();
}

/** What mke2fs prints without -q. */
export function mkfsText(device: string, layout: Ext2Layout, journalBlocks: number, params: FsParams): string {
  const L = layout;
  const log = Math.log2(L.blockSize) - 10;
  const backups = L.groups.filter((g) => g.hasSuper && g.index > 0).map((g) => g.first);
  const maxBlocks = (L.reservedGdtBlocks + L.descBlocks) * (L.blockSize / 32) * L.blocksPerGroup;
  const lines = [
    params.journalSizeTable === '1.39' ? 'mke2fs 1.39 (29-May-2006)' : 'mke2fs 1.42.9 (4-Feb-2014)',
    'Filesystem label=',
    'OS type: Linux',
    `Block size=${L.blockSize} (log=${log})`,
    `Fragment size=${L.blockSize} (log=${log})`,
    `${L.inodesCount} inodes, ${L.blocksCount} blocks`,
    `${L.reservedBlocks} blocks (${((100 * L.reservedBlocks) / L.blocksCount).toFixed(2)}%) reserved for the super user`,
    `First data block=${L.firstDataBlock}`,
    `Maximum filesystem blocks=${maxBlocks}`,
    `${L.groupCount} block group${L.groupCount === 1 ? '' : 's'}`,
    `${L.blocksPerGroup} blocks per group, ${L.blocksPerGroup} fragments per group`,
    `${L.inodesPerGroup} inodes per group`,
  ];
  if (backups.length > 0) {
    lines.push('Superblock backups stored on blocks: ');
    for (let i = 0; i < backups.length; i += 5) lines.push(`\t${backups.slice(i, i + 5).join(', ')}${i + 5 < backups.length ? ',' : ''}`);
  }
  lines.push('', 'Writing inode tables: done                            ');
  if (journalBlocks > 0) lines.push(`Creating journal (${journalBlocks} blocks): done`);
  lines.push('Writing superblocks and filesystem accounting information: done');
  void device;
  return lines.join('\n');
}
