// What is on the disk of a formatted device, as the model tracks it between mkfs, mounts and
// umounts: the layout, the block bitmap, the inodes and their allocation, the journal's
// blocks. The allocators follow fs/ext2 (balloc.c ext2_new_blocks, ialloc.c find_group_other
// and find_group_orlov); the I/O they cause is the mounted file system's business (ext2.ts).
import type { RandomStream } from '../sim/index.js';
import { ExtentSet } from '../block/extent-set.js';
import type { Ext2Layout } from './ext2-layout.js';
import { newInode, type Inode } from './inode.js';

export const EXT2_ROOT_INO = 2;
export const EXT3_JOURNAL_INO = 8;
export const EXT2_FIRST_INO = 11;

export class FsError extends Error {
  constructor(
    readonly code: 'ENOSPC' | 'ENOENT' | 'ENOTDIR' | 'EISDIR' | 'EEXIST' | 'ENOTEMPTY',
    message?: string,
  ) {
    super(message ?? code);
  }
}

export interface JournalInfo {
  /** Journal blocks (its inode's logical size). */
  blocks: number;
  /** The journal inode: where its blocks are. */
  inode: Inode;
}

export class Ext2Image {
  /** The in-use blocks of all groups' block bitmaps, as runs (a streaming writer keeps a few per group). */
  readonly bitmap = new ExtentSet();
  readonly inodes = new Map<number, Inode>();
  readonly freeInodes: number[];
  readonly dirs: number[];
  private readonly inodeUsed = new Map<number, Uint8Array>();
  journal: JournalInfo | null = null;
  /** How many times it was mounted (for mke2fs's "checked every N mounts" line only). */
  mounts = 0;

  constructor(
    readonly layout: Ext2Layout,
    readonly features: { journal: boolean },
  ) {
    const L = layout;
    this.freeInodes = L.groups.map(() => L.inodesPerGroup);
    this.dirs = L.groups.map(() => 0);
    for (const g of L.groups) {
      this.bitmap.add(g.first, g.inodeTable + L.inodeTableBlocks);
    }
    // Inodes 1-10 are reserved (bad blocks, root, ACL, boot loader, undelete, resize, journal).
    for (let i = 1; i < EXT2_FIRST_INO; i++) this.useInode(i);
  }

  groupOfBlock(b: number): number {
    return Math.floor((b - this.layout.firstDataBlock) / this.layout.blocksPerGroup);
  }

  groupOfInode(ino: number): number {
    return Math.floor((ino - 1) / this.layout.inodesPerGroup);
  }

  /** The inode-table block holding an inode. */
  inodeBlock(ino: number): number {
    const L = this.layout;
    const g = this.groupOfInode(ino);
    const index = (ino - 1) % L.inodesPerGroup;
    return L.groups[g].inodeTable + Math.floor((index * L.inodeSize) / L.blockSize);
  }

  /** The group-descriptor block (primary) that describes group g. */
  descBlock(g: number): number {
    const L = this.layout;
    return L.firstDataBlock + 1 + Math.floor(g / (L.blockSize / 32));
  }

  freeBlocksIn(g: number): number {
    const grp = this.layout.groups[g];
    return grp.last + 1 - grp.first - this.bitmap.countIn(grp.first, grp.last + 1);
  }

  get freeBlocks(): number {
    return this.layout.blocksCount - this.layout.firstDataBlock - this.bitmap.size;
  }

  private useInode(ino: number): void {
    const g = this.groupOfInode(ino);
    let bits = this.inodeUsed.get(g);
    if (bits === undefined) this.inodeUsed.set(g, (bits = new Uint8Array(this.layout.inodesPerGroup)));
    const i = (ino - 1) % this.layout.inodesPerGroup;
    if (bits[i] === 0) {
      bits[i] = 1;
      this.freeInodes[g]--;
    }
  }

  freeInode(ino: number): void {
    const g = this.groupOfInode(ino);
    const bits = this.inodeUsed.get(g);
    const i = (ino - 1) % this.layout.inodesPerGroup;
    if (bits !== undefined && bits[i] === 1) {
      bits[i] = 0;
      this.freeInodes[g]++;
      const inode = this.inodes.get(ino);
      if (inode?.dir) this.dirs[g]--;
      this.inodes.delete(ino);
    }
  }

  /** Makes inode `ino` (mkfs's root and journal) or the first free one of group g. */
  makeInode(g: number, dir: boolean, parent: number, ino?: number): Inode {
    if (ino === undefined) {
      const bits = this.inodeUsed.get(g);
      let i = 0;
      if (bits !== undefined) while (i < bits.length && bits[i] === 1) i++;
      ino = g * this.layout.inodesPerGroup + i + 1;
    }
    this.useInode(ino);
    if (dir) this.dirs[g]++;
    const inode = newInode(ino, g, dir, parent);
    this.inodes.set(ino, inode);
    return inode;
  }

  /**
   * The group for a new inode (ialloc.c): a file goes to its directory's group if that has
   * free inodes and blocks (find_group_other, then a quadratic hash, then a linear search);
   * a directory under the root goes to a group with above-average free inodes and blocks and
   * the fewest directories, searched from a random start (find_group_orlov's spreading); a
   * deeper directory stays near its parent when the group has room.
   */
  groupForInode(parent: Inode, dir: boolean, rng: RandomStream): number {
    const n = this.layout.groupCount;
    const ok = (g: number) => this.freeInodes[g] > 0 && this.freeBlocksIn(g) > 0;
    const pg = parent.group;
    if (dir && parent.ino === EXT2_ROOT_INO) {
      const freeI = this.freeInodes.reduce((a, b) => a + b, 0);
      const aveI = freeI / n;
      const aveB = this.freeBlocks / n;
      const start = Math.floor(rng.random() * n);
      let best = -1;
      for (let k = 0; k < n; k++) {
        const g = (start + k) % n;
        if (this.freeInodes[g] < aveI || this.freeBlocksIn(g) < aveB) continue;
        if (best < 0 || this.dirs[g] < this.dirs[best]) best = g;
      }
      if (best >= 0) return best;
    } else if (dir) {
      const L = this.layout;
      for (let k = 0; k < n; k++) {
        const g = (pg + k) % n;
        if (this.freeInodes[g] >= L.inodesPerGroup / 4 && this.freeBlocksIn(g) >= L.blocksPerGroup / 4) return g;
      }
    } else {
      if (ok(pg)) return pg;
      let g = (pg + parent.ino) % n;
      for (let i = 1; i < n; i <<= 1) {
        g = (g + i) % n;
        if (ok(g)) return g;
      }
    }
    for (let k = 0; k < n; k++) {
      const g = (pg + k) % n;
      if (this.freeInodes[g] > 0) return g;
    }
    throw new FsError('ENOSPC');
  }

  /**
   * ext2_new_blocks: up to `count` contiguous free blocks at or after `goal` in its group,
   * else the first free run of the following groups (wrapping to the goal group's start).
   * Returns [first, n] with n >= 1, or throws ENOSPC.
   */
  allocBlocks(goal: number, count: number): [number, number] {
    const L = this.layout;
    if (goal < L.firstDataBlock || goal >= L.blocksCount) goal = L.firstDataBlock;
    const g0 = this.groupOfBlock(goal);
    for (let k = 0; k <= L.groupCount; k++) {
      const g = (g0 + k) % L.groupCount;
      const grp = L.groups[g];
      const from = k === 0 ? goal : grp.first;
      const end = grp.last + 1;
      const b = this.bitmap.firstAbsent(from);
      if (b >= end) continue;
      const n = Math.min(this.bitmap.firstPresent(b), end, b + count) - b;
      this.bitmap.add(b, b + n);
      return [b, n];
    }
    throw new FsError('ENOSPC');
  }

  freeBlocks_(s: number, n: number): void {
    this.bitmap.remove(s, s + n);
  }
}
