// An ext2 inode as the model keeps it: its data blocks as runs (logical -> physical), its
// indirect blocks by position in the tree (ext2_block_to_path), and for a directory its
// entries. The tree: 12 direct pointers, then one indirect block of A = block size / 4
// pointers, a double-indirect block of A indirect blocks, a triple-indirect one.

export const EXT2_NDIR_BLOCKS = 12;

export interface Inode {
  ino: number;
  dir: boolean;
  size: number;
  group: number;
  /** Data block runs, sorted by logical block: logical start, physical start, length. */
  lstart: number[];
  pstart: number[];
  len: number[];
  /** Indirect blocks by tree position ('i', 'd', 'd3', 't', 't0', 't0.5'). */
  indirect: Map<string, number>;
  /** ext2_block_alloc_info: the last block allocated, for the sequential goal. */
  lastLogical: number;
  lastPhysical: number;
  /** Directory entries, name -> inode number. */
  entries: Map<string, number> | null;
  /** Bytes used in the directory's last block. */
  dirTail: number;
  parent: number;
}

export function newInode(ino: number, group: number, dir: boolean, parent: number): Inode {
  return { ino, dir, size: 0, group, lstart: [], pstart: [], len: [], indirect: new Map(), lastLogical: -2, lastPhysical: -1, entries: dir ? new Map() : null, dirTail: 0, parent };
}

/** The indirect blocks on the way to logical block l, root first (ext2_block_to_path). */
export function indirectPath(l: number, perBlock: number): string[] {
  const A = perBlock;
  if (l < EXT2_NDIR_BLOCKS) return [];
  let r = l - EXT2_NDIR_BLOCKS;
  if (r < A) return ['i'];
  r -= A;
  if (r < A * A) return ['d', `d${Math.floor(r / A)}`];
  r -= A * A;
  const i1 = Math.floor(r / (A * A));
  return ['t', `t${i1}`, `t${i1}.${Math.floor(r / A) % A}`];
}

/** Blocks from l to the end of the pointer block that maps it (ext2_blks_to_allocate's boundary). */
export function blocksToBoundary(l: number, perBlock: number): number {
  if (l < EXT2_NDIR_BLOCKS) return EXT2_NDIR_BLOCKS - l;
  return perBlock - ((l - EXT2_NDIR_BLOCKS) % perBlock);
}

/** Indirect blocks a file of n blocks needs (for checks): singles, doubles, triples. */
export function indirectBlocksFor(nBlocks: number, perBlock: number): number {
  const A = perBlock;
  let n = nBlocks - EXT2_NDIR_BLOCKS;
  if (n <= 0) return 0;
  let count = 1;
  n -= A;
  if (n <= 0) return count;
  const inDouble = Math.min(n, A * A);
  count += 1 + Math.ceil(inDouble / A);
  n -= inDouble;
  if (n <= 0) return count;
  count += 1 + Math.ceil(n / (A * A)) + Math.ceil(n / A);
  return count;
}

/** Index of the run holding logical block l, or -1. */
function runOf(inode: Inode, l: number): number {
  let lo = 0;
  let hi = inode.lstart.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (inode.lstart[mid] > l) hi = mid - 1;
    else if (inode.lstart[mid] + inode.len[mid] <= l) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** The physical block of logical l and how many follow contiguously (within the run), or null. */
export function lookupBlock(inode: Inode, l: number): { phys: number; count: number } | null {
  const i = runOf(inode, l);
  if (i < 0) return null;
  const off = l - inode.lstart[i];
  return { phys: inode.pstart[i] + off, count: inode.len[i] - off };
}

/** Records that logical [l, l + n) lives at physical [p, p + n). */
export function addBlocks(inode: Inode, l: number, p: number, n: number): void {
  const k = inode.lstart.length;
  if (k > 0 && inode.lstart[k - 1] + inode.len[k - 1] === l && inode.pstart[k - 1] + inode.len[k - 1] === p) {
    inode.len[k - 1] += n;
  } else if (k === 0 || inode.lstart[k - 1] < l) {
    inode.lstart.push(l);
    inode.pstart.push(p);
    inode.len.push(n);
  } else {
    let i = 0;
    while (i < k && inode.lstart[i] < l) i++;
    inode.lstart.splice(i, 0, l);
    inode.pstart.splice(i, 0, p);
    inode.len.splice(i, 0, n);
  }
  inode.lastLogical = l + n - 1;
  inode.lastPhysical = p + n - 1;
}

export function mappedBlocks(inode: Inode): number {
  let n = 0;
  for (const x of inode.len) n += x;
  return n;
}
