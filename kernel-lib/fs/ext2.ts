// A mounted ext2 or ext3 file system: path lookup, create, write, read, unlink, sync, fsync,
// umount, with the I/O each causes through the block device's page cache (one cache serves
// file data and metadata: the model indexes file pages by the block they live in, so
// writeback sends them to the disk in block order, as pdflush does for one streaming file).
//
// Metadata: a block that changes (bitmap, group descriptor, inode-table block, indirect
// block, directory block) is read first if it is not cached (sb_bread, no read-ahead), then
// in ext2 marked dirty in the cache (mark_buffer_dirty), in ext3 added to the running
// transaction (dirty at home only after its commit, jbd.ts).
// Data blocks are allocated as ext2_get_blocks does (ext2_find_goal): right after the
// file's previous block when writing sequentially, else near the block before it in the
// tree, else in the inode's group at a per-process colour ((pid % 16) x blocks per group /
// 16); missing indirect blocks are taken from the goal just before the data they map.
// Reservation windows (2.6.10+ ext3, 2.6.19+ ext2) give a single streaming writer the same
// blocks and are not modelled.
import { Bio, REQ_META, REQ_PREFLUSH, REQ_SYNC, type BioPayload } from '../block/bio.js';
import type { BlockDevice } from '../block/device.js';
import { PAGE_SIZE, type PageCache } from '../block/page-cache.js';
import { mediaOf, type MediaLocation } from '../block/power-cut.js';
import type { CpuSet, Thread } from '../sim/cpu.js';
import type { ProcessGenerator, RandomStream, Simulation } from '../sim/index.js';
import { EXT2_ROOT_INO, FsError, type Ext2Image } from './image.js';
import { addBlocks, blocksToBoundary, indirectPath, lookupBlock, type Inode } from './inode.js';
import { Journal } from './jbd.js';
import type { FsParams } from './options.js';

export interface MountOptions {
  data: 'ordered' | 'writeback';
  barrier: boolean;
  commitIntervalS: number;
}

export class Ext2Mount {
  readonly journal: Journal | null;
  private readonly bs: number;
  private readonly perBlock: number;
  readonly counters = { metaReads: 0, metaDirtied: 0, blocksAllocated: 0 };
  /** Where the device's blocks lie on a media that a power cut can hit (null: no power-cut model). */
  readonly media: MediaLocation | null;
  /** With a media: regular files' sizes when each transaction closed (0: at mount), what a replay up to it recovers. */
  readonly sizesAt = new Map<number, Map<number, number>>();
  /** With a media: bytes of each file that a returned fsync or sync promised durable. */
  readonly promised = new Map<number, number>();

  constructor(
    private readonly sim: Simulation,
    readonly dev: BlockDevice,
    readonly cache: PageCache,
    readonly image: Ext2Image,
    readonly options: MountOptions,
    private readonly params: FsParams,
    private readonly rng: RandomStream,
    cpus: CpuSet | null,
  ) {
    this.bs = image.layout.blockSize;
    this.perBlock = this.bs / 4;
    const j = image.journal;
    this.journal =
      j === null
        ? null
        : new Journal(sim, dev, cache, this.bs, j.inode, j.blocks, { commitIntervalS: options.commitIntervalS, barrier: options.barrier, ordered: options.data === 'ordered' }, cpus?.thread(`kjournald-${dev.name}`) ?? null);
    this.media = mediaOf(dev);
    if (this.media !== null) {
      this.sizesAt.set(0, this.fileSizes());
      if (this.journal !== null) {
        this.journal.record = { media: this.media, commits: [], checkpoints: [] };
        this.journal.onClose = (tid) => this.sizesAt.set(tid, this.fileSizes());
      }
    }
  }

  /** Regular files' sizes now. */
  private fileSizes(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [ino, i] of this.image.inodes) if (!i.dir && ino > 10) out.set(ino, i.size);
    return out;
  }

  /** fsync or sync returned: the file's bytes so far are promised durable. */
  private promise(inode: Inode): void {
    if (this.media !== null && !inode.dir && inode.ino > 10) this.promised.set(inode.ino, Math.max(this.promised.get(inode.ino) ?? 0, inode.size));
  }

  get type(): string {
    return this.journal === null ? 'ext2' : 'ext3';
  }

  private *cpu(thread: Thread | null, ns: number): ProcessGenerator<void> {
    if (ns <= 0) return;
    yield thread !== null ? thread.exec(ns) : this.sim.timeout(ns);
  }

  /** sb_bread: the block from the cache, else one synchronous read of it. */
  *readMeta(thread: Thread | null, b: number): ProcessGenerator<void> {
    const bs = this.bs;
    if (this.cache.isCached(b * bs, bs)) return;
    this.counters.metaReads++;
    const page = Math.floor((b * bs) / 4096);
    const bio = new Bio('read', page * 8, 8, REQ_SYNC | REQ_META);
    bio.thread = thread;
    bio.cpu = thread?.core?.index ?? 0;
    yield* this.dev.submit(bio);
    yield bio.wait(this.sim);
    this.cache.insert(page * 4096, 4096, false);
  }

  /** A metadata block changed (read first if need be). */
  *touchMeta(thread: Thread | null, b: number, fresh = false): ProcessGenerator<void> {
    if (!fresh) yield* this.readMeta(thread, b);
    this.counters.metaDirtied++;
    if (this.journal !== null) {
      this.cache.insert(b * this.bs, this.bs, false);
      this.journal.dirtyMeta(b);
    } else {
      this.cache.insert(b * this.bs, this.bs, true);
    }
  }

  inode(ino: number): Inode {
    const i = this.image.inodes.get(ino);
    if (i === undefined) throw new Error(`inode ${ino} missing`);
    return i;
  }

  /** Path components relative to the mount's root. */
  private split(rel: string): string[] {
    return rel.split('/').filter((c) => c !== '' && c !== '.');
  }

  /** Looks up a path (relative to the mount point); reads the directory blocks and inodes on the way. */
  *lookup(thread: Thread | null, rel: string): ProcessGenerator<Inode | null> {
    let cur = this.inode(EXT2_ROOT_INO);
    for (const name of this.split(rel)) {
      if (!cur.dir) throw new FsError('ENOTDIR');
      yield* this.cpu(thread, this.params.syscallNs / 4);
      yield* this.readDir(thread, cur);
      const ino = name === '..' ? cur.parent : cur.entries!.get(name);
      if (ino === undefined) return null;
      cur = this.inode(ino);
      yield* this.readMeta(thread, this.image.inodeBlock(ino));
    }
    return cur;
  }

  private *readDir(thread: Thread | null, dir: Inode): ProcessGenerator<void> {
    for (let i = 0; i < dir.lstart.length; i++) for (let k = 0; k < dir.len[i]; k++) yield* this.readMeta(thread, dir.pstart[i] + k);
  }

  /** Creates a file or directory `name` in `parent` (ext2_new_inode + ext2_add_link). */
  *create(thread: Thread | null, parent: Inode, name: string, dir: boolean, pid: number): ProcessGenerator<Inode> {
    if (parent.entries!.has(name)) throw new FsError('EEXIST');
    yield* this.cpu(thread, this.params.syscallNs);
    const img = this.image;
    const g = img.groupForInode(parent, dir, this.rng);
    yield* this.readMeta(thread, img.layout.groups[g].inodeBitmap);
    const inode = img.makeInode(g, dir, parent.ino);
    yield* this.touchMeta(thread, img.layout.groups[g].inodeBitmap);
    yield* this.touchMeta(thread, img.descBlock(g));
    yield* this.touchMeta(thread, img.inodeBlock(inode.ino));
    if (dir) {
      // "." and ".." in a first block of its own.
      yield* this.mapBlocks(thread, inode, 0, 1, true, pid, true);
      inode.size = this.bs;
      inode.dirTail = 24;
    }
    yield* this.addLink(thread, parent, name, inode.ino, pid);
    return inode;
  }

  private *addLink(thread: Thread | null, dir: Inode, name: string, ino: number, pid: number): ProcessGenerator<void> {
    const rec = 4 * Math.ceil((8 + name.length) / 4);
    yield* this.readDir(thread, dir);
    if (dir.dirTail + rec > this.bs || dir.size === 0) {
      const l = Math.ceil(dir.size / this.bs);
      yield* this.mapBlocks(thread, dir, l, l + 1, true, pid, true);
      dir.size = (l + 1) * this.bs;
      dir.dirTail = 0;
      yield* this.touchMeta(thread, this.image.inodeBlock(dir.ino));
    }
    dir.dirTail += rec;
    dir.entries!.set(name, ino);
    const last = lookupBlock(dir, Math.ceil(dir.size / this.bs) - 1);
    if (last !== null) yield* this.touchMeta(thread, last.phys);
  }

  /**
   * Physical runs of logical blocks [first, end) of an inode, allocating the missing ones
   * (and their indirect blocks) when `create`; reads indirect blocks not cached. `metaData`:
   * the blocks are directory blocks (journalled in ext3), not file data.
   */
  *mapBlocks(thread: Thread | null, inode: Inode, first: number, end: number, create: boolean, pid: number, metaData = false): ProcessGenerator<[number, number][]> {
    const out: [number, number][] = [];
    const push = (p: number, n: number) => {
      const last = out[out.length - 1];
      if (last !== undefined && last[0] + last[1] === p) last[1] += n;
      else out.push([p, n]);
    };
    const img = this.image;
    let l = first;
    while (l < end) {
      const m = lookupBlock(inode, l);
      if (m !== null) {
        const n = Math.min(m.count, end - l);
        for (const key of new Set(pathsIn(l, n, this.perBlock))) {
          const ib = inode.indirect.get(key);
          if (ib !== undefined) yield* this.readMeta(thread, ib);
        }
        push(m.phys, n);
        l += n;
        continue;
      }
      if (!create) {
        l++; // a hole reads as zeros
        continue;
      }
      // ext2_find_goal.
      let goal: number;
      if (l === inode.lastLogical + 1 && inode.lastPhysical >= 0) goal = inode.lastPhysical + 1;
      else {
        const prev = l > 0 ? lookupBlock(inode, l - 1) : null;
        if (prev !== null) goal = prev.phys + 1;
        else {
          const grp = img.layout.groups[inode.group];
          goal = grp.first + (pid % 16) * Math.floor(img.layout.blocksPerGroup / 16);
        }
      }
      // Missing indirect blocks first, from the goal, each zeroed in the cache and dirtied.
      const path = indirectPath(l, this.perBlock);
      let parentBlock = img.inodeBlock(inode.ino);
      for (const key of path) {
        let ib = inode.indirect.get(key);
        if (ib === undefined) {
          const [b] = img.allocBlocks(goal, 1);
          ib = b;
          inode.indirect.set(key, ib);
          goal = ib + 1;
          this.counters.blocksAllocated++;
          yield* this.touchMeta(thread, ib, true);
          yield* this.touchMeta(thread, parentBlock);
          yield* this.allocatedMeta(thread, ib, 1);
        } else {
          yield* this.readMeta(thread, ib);
        }
        parentBlock = ib;
      }
      const want = Math.min(end - l, blocksToBoundary(l, this.perBlock));
      const [p, n] = img.allocBlocks(goal, want);
      this.counters.blocksAllocated += n;
      yield* this.cpu(thread, n * this.params.getBlockNs);
      addBlocks(inode, l, p, n);
      if (metaData) for (let k = 0; k < n; k++) yield* this.touchMeta(thread, p + k, true);
      yield* this.touchMeta(thread, parentBlock);
      yield* this.allocatedMeta(thread, p, n);
      push(p, n);
      l += n;
    }
    return out;
  }

  /** The bitmap and group-descriptor blocks that an allocation of [p, p + n) changes. */
  private *allocatedMeta(thread: Thread | null, p: number, n: number): ProcessGenerator<void> {
    const img = this.image;
    const g0 = img.groupOfBlock(p);
    const g1 = img.groupOfBlock(p + n - 1);
    for (let g = g0; g <= g1; g++) {
      yield* this.touchMeta(thread, img.layout.groups[g].blockBitmap);
      yield* this.touchMeta(thread, img.descBlock(g));
    }
  }

  /**
   * write(2) of [offset, offset + bytes) of a regular file, through the page cache. The
   * buffer holds `payload` (null: unique data); each run of blocks the file maps keeps its
   * part of it for writeback.
   */
  *write(thread: Thread | null, inode: Inode, offset: number, bytes: number, pid: number, payload: BioPayload | null = null): ProcessGenerator<void> {
    const bs = this.bs;
    const first = Math.floor(offset / bs);
    const end = Math.ceil((offset + bytes) / bs);
    const runs = yield* this.mapBlocks(thread, inode, first, end, true, pid);
    let l = first;
    for (const [p, n] of runs) {
      yield* this.cache.write(thread, p * bs, n * bs, payload, Math.max(0, Math.floor((l * bs - offset) / PAGE_SIZE)));
      this.journal?.dirtyData(p, p + n);
      l += n;
    }
    if (offset + bytes > inode.size) inode.size = offset + bytes;
    yield* this.touchMeta(thread, this.image.inodeBlock(inode.ino));
  }

  /** read(2): cached pages are copied, the rest read with the cache's read-ahead. */
  *read(thread: Thread | null, inode: Inode, offset: number, bytes: number): ProcessGenerator<number> {
    const bs = this.bs;
    const n = Math.max(0, Math.min(bytes, inode.size - offset));
    if (n === 0) return 0;
    const runs = yield* this.mapBlocks(thread, inode, Math.floor(offset / bs), Math.ceil((offset + n) / bs), false, 0);
    for (const [p, k] of runs) yield* this.cache.read(thread, p * bs, k * bs);
    return n;
  }

  /** unlink + the final iput: the blocks, the indirect blocks and the inode go back (ext2_truncate, ext2_free_inode). */
  *unlink(thread: Thread | null, parent: Inode, name: string): ProcessGenerator<void> {
    const ino = parent.entries!.get(name);
    if (ino === undefined) throw new FsError('ENOENT');
    const inode = this.inode(ino);
    if (inode.dir && inode.entries!.size > 0) throw new FsError('ENOTEMPTY');
    yield* this.cpu(thread, this.params.syscallNs);
    const img = this.image;
    for (const ib of inode.indirect.values()) yield* this.readMeta(thread, ib);
    for (let i = 0; i < inode.lstart.length; i++) {
      img.freeBlocks_(inode.pstart[i], inode.len[i]);
      yield* this.cpu(thread, inode.len[i] * this.params.getBlockNs / 4);
      yield* this.allocatedMeta(thread, inode.pstart[i], inode.len[i]);
    }
    for (const ib of inode.indirect.values()) {
      img.freeBlocks_(ib, 1);
      yield* this.allocatedMeta(thread, ib, 1);
    }
    parent.entries!.delete(name);
    const last = lookupBlock(parent, Math.max(0, Math.ceil(parent.size / this.bs) - 1));
    if (last !== null) yield* this.touchMeta(thread, last.phys);
    yield* this.touchMeta(thread, img.inodeBlock(ino));
    yield* this.touchMeta(thread, img.layout.groups[inode.group].inodeBitmap);
    yield* this.touchMeta(thread, img.descBlock(inode.group));
    img.freeInode(ino);
  }

  /** Writes every dirty page of the device's cache and waits (sync_inodes + sync_blockdev). */
  private *writeAllDirty(thread: Thread | null): ProcessGenerator<void> {
    const wb = this.cache.writeback;
    while (this.cache.dirtyPages > 0) {
      const n = yield* wb.writePages(thread, Infinity, true);
      if (n === 0) yield wb.nextCompletion();
    }
    yield* wb.waitAll();
  }

  private *flush(thread: Thread | null): ProcessGenerator<void> {
    const bio = new Bio('flush', 0, 0, REQ_SYNC | REQ_PREFLUSH);
    bio.thread = thread;
    bio.cpu = thread?.core?.index ?? 0;
    yield* this.dev.submit(bio);
    yield bio.wait(this.sim);
  }

  /** sync(1) for this file system: data, a journal commit (ext3), the metadata it made dirty, the superblock. */
  *sync(thread: Thread | null): ProcessGenerator<void> {
    yield* this.writeAllDirty(thread);
    if (this.journal !== null) yield* this.journal.commitAndWait();
    yield* this.touchMeta(thread, this.image.layout.firstDataBlock);
    if (this.journal !== null) yield* this.journal.commitAndWait();
    yield* this.writeAllDirty(thread);
    if (this.journal === null && this.options.barrier) yield* this.flush(thread);
    if (this.media !== null) for (const i of this.image.inodes.values()) this.promise(i);
  }

  /** fsync(2): the file's data and its metadata on disk (ext3: a commit; ext2: the dirty buffers). */
  *fsync(thread: Thread | null, inode: Inode): ProcessGenerator<void> {
    const bs = this.bs;
    const wb = this.cache.writeback;
    for (let i = 0; i < inode.lstart.length; i++) {
      const s = inode.pstart[i];
      yield* wb.writeRange(thread, Math.floor((s * bs) / 4096), Math.ceil(((s + inode.len[i]) * bs) / 4096), true);
    }
    if (this.journal !== null) {
      yield* wb.waitAll();
      yield* this.journal.commitAndWait();
      this.promise(inode);
      return;
    }
    for (const b of [...inode.indirect.values(), this.image.inodeBlock(inode.ino)]) {
      yield* wb.writeRange(thread, Math.floor((b * bs) / 4096), Math.ceil(((b + 1) * bs) / 4096), true);
    }
    yield* wb.waitAll();
    if (this.options.barrier) yield* this.flush(thread);
    this.promise(inode);
  }

  /** umount: everything written back (journal committed and checkpointed), then the last close drops the cache. */
  *umount(thread: Thread | null): ProcessGenerator<void> {
    yield* this.sync(thread);
    if (this.journal !== null) yield* this.journal.destroy(thread);
    yield* this.writeAllDirty(thread);
    this.cache.dropClean();
  }
}

/** The indirect blocks that map logical [l, l + n). */
function pathsIn(l: number, n: number, perBlock: number): string[] {
  const out: string[] = [];
  let x = l;
  while (x < l + n) {
    out.push(...indirectPath(x, perBlock));
    x += blocksToBoundary(x, perBlock);
  }
  return out;
}
