// ext2/ext3 after a power cut: what the next mount would find on the media, and what the
// workload lost (docs/fs.md, docs/power-cut.md).
//
// ext3: the next mount runs jbd's recovery (journal_recover: PASS_SCAN, then PASS_REPLAY).
// It starts at the tail the journal superblock on the media names and walks the log one
// transaction at a time: a descriptor block of the expected sequence, then its metadata
// copies, then a commit block of that sequence. The first transaction whose descriptor or
// commit block is not on the media ends the log; it and everything after it are ignored
// (uncommitted, whatever reached the media of them). Each transaction before that is
// replayed: its metadata copies are written home as they are in the journal. ext3's jbd has no
// checksums, so a replayed transaction whose copies did not all reach the media writes stale
// journal blocks home, and in ordered mode one whose data blocks did not all reach the media
// leaves files pointing at blocks that do not hold their data: both are ordering violations,
// which barriers (flush + FUA on the commit block) exist to prevent.
// A checkpoint writes the metadata home and then moves the tail (the journal superblock); if
// the new tail is on the media but a home block is not, that block's only good copy is gone.
//
// ext2 has no journal: nothing is replayed, and the metadata on the media is what the
// writes that reached it left (e2fsck's job, not modelled).
//
// Per file: which of the data blocks the workload wrote (through the file's block map,
// indirect blocks included) hold on the media the last content the host wrote there, the
// file's size after recovery (ext3: as of the last transaction replayed or checkpointed), and
// whether what a returned fsync or sync promised survived.
import type { CommitRecord } from './jbd.js';
import type { Ext2Mount } from './ext2.js';
import { EXT2_ROOT_INO } from './image.js';
import type { Inode } from './inode.js';

export interface FileLoss {
  path: string;
  /** Bytes the workload wrote (the size in memory at the cut). */
  size: number;
  /** Data blocks (file-system blocks) holding written data. */
  blocks: number;
  /** Of those, the ones whose last written content is on the media. */
  blocks_on_media: number;
  /** Size after recovery (ext3: the inode as of the recovered transaction; null: ext2, unknown until e2fsck). */
  recovered_size: number | null;
  /** Bytes a returned fsync or sync promised durable. */
  promised: number;
  /** Of the promised bytes, those not recovered (lost size or blocks not on the media). */
  promised_lost: number;
}

export interface FsRecovery {
  /** Mount point and device. */
  dir: string;
  device: string;
  type: string;
  mount_options: string;
  consistent: boolean;
  problems: string[];
  /** ext3: what the journal recovery does. */
  journal: {
    /** Transactions whose commit completed to the host since the mount. */
    committed: number;
    /** Replayed by the recovery (committed and on the media, after the tail). */
    replayed: number;
    /** Committed to the host but not on the media (or after one that is not): ignored by the recovery. */
    not_durable: number;
    /** The last transaction whose metadata the recovery restores (replayed or checkpointed; 0: the mount's). */
    recovered_tid: number;
    /** The last transaction whose commit completed to the host. */
    committed_tid: number;
  } | null;
  files: FileLoss[];
  /** Data blocks written by the workload and not on the media, over all files. */
  lost_blocks: number;
  summary: string;
}

/** inode -> path below the mount point, from the directory entries. */
function pathsOf(m: Ext2Mount, dir: string): Map<number, string> {
  const out = new Map<number, string>();
  const walk = (ino: number, prefix: string) => {
    const i = m.image.inodes.get(ino);
    if (i === undefined || i.entries === null) return;
    for (const [name, child] of i.entries) {
      const p = `${prefix}/${name}`;
      out.set(child, p);
      walk(child, p);
    }
  };
  walk(EXT2_ROOT_INO, dir === '/' ? '' : dir);
  return out;
}

/** How many of [sector, seq] pairs do not hold exactly that write (`exact`) or that write or a later one. */
function missing(m: Ext2Mount, rec: Float64Array, exact: boolean): number {
  const media = m.media!;
  let n = 0;
  for (let k = 0; k < rec.length; k += 2) {
    const got = media.cache.durableSeqAt(media.offsetSectors + rec[k]);
    if (exact ? got !== rec[k + 1] : got < rec[k + 1]) n++;
  }
  return n;
}

/** Whether the last content the host wrote to fs block `b` is on the media (false if never written). */
function blockOnMedia(m: Ext2Mount, b: number): boolean | null {
  const media = m.media!;
  const bs = m.image.layout.blockSize;
  const page = Math.floor((b * bs) / 4096);
  if (m.cache.dirty.countIn(page, page + 1) > 0) return false;
  const sector = media.offsetSectors + b * (bs / 512);
  const seq = media.cache.completedSeq(sector);
  if (seq === 0) return null;
  if (media.cache.inFlightAt(sector)) return false;
  return media.cache.reached(sector, seq);
}

function journalReplay(m: Ext2Mount, problems: string[]): NonNullable<FsRecovery['journal']> {
  const rec = m.journal!.record!;
  // The tail: the last checkpoint whose journal superblock reached the media.
  let tail = 0;
  for (const cp of rec.checkpoints) {
    if (missing(m, cp.superblock, false) > 0) continue;
    tail = cp.tid;
    const lost = missing(m, cp.home, false);
    if (lost > 0) problems.push(`the checkpoint up to transaction ${cp.tid} moved the journal tail on the media while ${lost} of its ${cp.home.length / 2} home metadata blocks had not reached it (no flush before the tail update): their only good copy is gone`);
  }
  let replayed = 0;
  let last = tail;
  let ended = false;
  let notDurable = 0;
  for (const c of rec.commits) {
    if (c.tid <= tail) continue;
    if (!ended && missing(m, c.log.subarray(0, 2), true) === 0 && missing(m, c.commit, true) === 0) {
      replayed++;
      last = c.tid;
      checkReplayed(m, c, problems);
    } else {
      ended = true;
      notDurable++;
    }
  }
  const committed = rec.commits.length;
  return { committed, replayed, not_durable: notDurable, recovered_tid: last, committed_tid: committed > 0 ? rec.commits[committed - 1].tid : 0 };
}

function checkReplayed(m: Ext2Mount, c: CommitRecord, problems: string[]): void {
  const stale = missing(m, c.log.subarray(2), true);
  if (stale > 0) problems.push(`transaction ${c.tid}: its commit block is on the media but ${stale} of its ${c.log.length / 2 - 1} journal blocks are not: the replay writes stale journal blocks home`);
  const data = missing(m, c.data, false);
  if (data > 0) problems.push(`transaction ${c.tid}: its commit block is on the media but ${data} of its ${c.data.length / 2} ordered data blocks are not (ordering violation): files it extends hold stale blocks`);
}

/** The check after a cut of one mounted file system. Reads only; changes nothing. */
export function recoverFileSystem(m: Ext2Mount, dir: string, device: string): FsRecovery | null {
  if (m.media === null) return null;
  const problems: string[] = [];
  const journal = m.journal !== null && m.journal.record !== null ? journalReplay(m, problems) : null;
  const sizes = journal === null ? null : m.sizesAt.get(journal.recovered_tid) ?? new Map<number, number>();
  const paths = pathsOf(m, dir);
  const bs = m.image.layout.blockSize;
  const files: FileLoss[] = [];
  let lostBlocks = 0;
  for (const [ino, inode] of m.image.inodes) {
    if (inode.dir || ino <= 10) continue;
    const f = fileLoss(m, inode, paths.get(ino) ?? `<inode ${ino}>`, sizes, bs);
    lostBlocks += f.blocks - f.blocks_on_media;
    if (f.promised_lost > 0) problems.push(`${f.path}: fsync/sync returned with ${f.promised} bytes, ${f.promised_lost} of them are not recovered`);
    files.push(f);
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const consistent = problems.length === 0;
  const o = m.options;
  const opts = `${m.journal !== null ? `data=${o.data},` : ''}barrier=${o.barrier ? 1 : 0}`;
  const written = files.reduce((s, f) => s + f.blocks, 0);
  const j = journal === null ? 'no journal to replay (e2fsck decides what the metadata holds)' : `journal: ${journal.replayed} transaction(s) replayed, ${journal.not_durable} committed but not on the media ignored, recovered up to transaction ${journal.recovered_tid} of ${journal.committed_tid}`;
  return {
    dir,
    device,
    type: m.type,
    mount_options: opts,
    consistent,
    problems,
    journal,
    files,
    lost_blocks: lostBlocks,
    summary: `${m.type} on ${dir} (${opts}): ${j}; ${written - lostBlocks} of ${written} data blocks written on the media` + (consistent ? '' : `; ${problems.length} problem(s): ${problems[0]}`),
  };
}

function fileLoss(m: Ext2Mount, inode: Inode, path: string, sizes: Map<number, number> | null, bs: number): FileLoss {
  let blocks = 0;
  let onMedia = 0;
  const promised = m.promised.get(inode.ino) ?? 0;
  const promisedBlocks = Math.ceil(promised / bs);
  let promisedMissing = 0;
  for (let r = 0; r < inode.lstart.length; r++) {
    for (let k = 0; k < inode.len[r]; k++) {
      const ok = blockOnMedia(m, inode.pstart[r] + k);
      if (ok === null) continue;
      blocks++;
      if (ok) onMedia++;
      else if (inode.lstart[r] + k < promisedBlocks) promisedMissing++;
    }
  }
  let recovered: number | null = sizes === null ? null : sizes.get(inode.ino) ?? 0;
  if (sizes === null) {
    // ext2: the size is the one in the inode-table block on the media, if the last write of it got there.
    recovered = blockOnMedia(m, m.image.inodeBlock(inode.ino)) === true ? inode.size : null;
  }
  const sizeLost = recovered === null ? 0 : Math.max(0, promised - recovered);
  const promisedLost = Math.min(promised, Math.max(sizeLost, promisedMissing * bs));
  return { path, size: inode.size, blocks, blocks_on_media: onMedia, recovered_size: recovered, promised, promised_lost: promisedLost };
}

/** The lines `dmsim run` prints for one file system. */
export function fsRecoveryText(r: FsRecovery, head: string): string[] {
  const lines = [`dmsim: ${head}: ${r.device} ${r.summary}`];
  for (const f of r.files) {
    if (f.blocks === f.blocks_on_media && (f.recovered_size === null || f.recovered_size >= f.size)) continue;
    const size = f.recovered_size === null ? 'size unknown until e2fsck' : `size ${f.recovered_size} of ${f.size} bytes after recovery`;
    lines.push(`dmsim: ${head}:   ${f.path}: ${f.blocks - f.blocks_on_media} of ${f.blocks} data blocks written not on the media, ${size}${f.promised > 0 ? `, ${f.promised_lost} of ${f.promised} fsynced bytes lost` : ''}`);
  }
  return lines;
}
