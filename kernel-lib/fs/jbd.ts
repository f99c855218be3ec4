// jbd, ext3's journal (fs/jbd/transaction.c, commit.c, checkpoint.c, journal.c), reduced to
// what moves the disk:
// - metadata changes join the running transaction (journal_get_write_access +
//   journal_dirty_metadata); in ordered mode the data blocks written under it join its data
//   list (journal_dirty_data);
// - kjournald commits the running transaction when it is commit_interval old (the timer
//   armed when the transaction starts, 5 s by default), when it outgrows a quarter of the
//   journal, or when sync/fsync/umount ask. journal_commit_transaction: (1) ordered mode
//   writes the transaction's data blocks and waits for them; (2) a descriptor block and a
//   copy of each metadata block go to the journal, sequentially from its head; (3) after
//   they complete, the commit block, with a cache flush before and FUA when barriers are on;
//   (4) the metadata buffers become dirty in the block device's cache and go on the
//   checkpoint list;
// - when the journal's free space falls below a quarter of it (log_wait_for_space), or at
//   umount, a checkpoint writes the checkpoint list's buffers home, waits, and moves the
//   tail (a write of the journal superblock).
import { Bio, REQ_FUA, REQ_META, REQ_PREFLUSH, REQ_SYNC } from '../block/bio.js';
import type { BlockDevice } from '../block/device.js';
import type { MediaLocation } from '../block/power-cut.js';
import type { PageCache } from '../block/page-cache.js';
import type { Thread } from '../sim/cpu.js';
import type { ProcessGenerator, SimEvent, Simulation } from '../sim/index.js';
import type { Inode } from './inode.js';
import { lookupBlock } from './inode.js';

interface Transaction {
  tid: number;
  started: number;
  meta: Set<number>;
  /** Ordered data, as sorted runs of fs blocks [start, end). */
  dataRuns: [number, number][];
}

export interface JournalOptions {
  commitIntervalS: number;
  barrier: boolean;
  ordered: boolean;
}

/** Journal block tags per descriptor block: 8-byte tags after a 12-byte header (first tag also carries a 16-byte UUID). */
function tagsPerDescriptor(bs: number): number {
  return Math.floor((bs - 12 - 16) / 8);
}

/**
 * What one commit wrote, for the check after a power cut (fs/recover.ts): device sectors of
 * 4 KiB blocks with the completion sequence number each write got (block/power-cut.ts), so
 * recovery can ask which of them reached the media.
 */
export interface CommitRecord {
  tid: number;
  /** Descriptor block first, then the metadata copies. */
  log: Float64Array;
  commit: Float64Array;
  /** Ordered data blocks the commit waited for. */
  data: Float64Array;
}

/** What a checkpoint wrote: the home copies and then the journal superblock with the new tail. */
export interface CheckpointRecord {
  /** Transactions up to this one are no longer in the log once the superblock is on the media. */
  tid: number;
  home: Float64Array;
  superblock: Float64Array;
}

/** Recorded only when a power-cut model is in use (a media to ask). */
export interface JournalRecord {
  media: MediaLocation;
  commits: CommitRecord[];
  checkpoints: CheckpointRecord[];
}

/** [sector, seq, sector, seq, ...] of the 4 KiB blocks of `bios` as the media recorded their completions. */
function seqsOf(media: MediaLocation, ranges: readonly [number, number][]): Float64Array {
  const out: number[] = [];
  for (const [sector, sectors] of ranges) {
    for (let s = Math.floor(sector / 8) * 8; s < sector + sectors; s += 8) out.push(s, media.cache.completedSeq(media.offsetSectors + s));
  }
  return Float64Array.from(out);
}

export class Journal {
  /** Set by the mount when a power-cut model is in use. */
  record: JournalRecord | null = null;
  /** Called when a transaction closes (no more changes join it): the mount notes what it holds. */
  onClose: ((tid: number) => void) | null = null;
  private running: Transaction | null = null;
  private nextTid = 1;
  private committedTid = 0;
  private commitRequested = 0;
  private readonly waiters: { tid: number; ev: SimEvent<undefined> }[] = [];
  private wake: SimEvent<undefined> | null = null;
  /** Journal blocks in use since the tail (committed, not yet checkpointed), head position. */
  private used = 0;
  private head = 1;
  private readonly checkpointList = new Set<number>();
  private stopped = false;
  private busy = false;
  readonly counters = { commits: 0, journalBlocks: 0, checkpoints: 0, orderedDataBlocks: 0 };
  /** Log of what each commit did, in order (tests read the order of data and commit writes). */
  readonly log: { tid: number; dataDoneNs: number; commitSubmitNs: number; commitDoneNs: number }[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly dev: BlockDevice,
    private readonly cache: PageCache,
    private readonly blockSize: number,
    private readonly journalInode: Inode,
    private readonly size: number,
    readonly options: JournalOptions,
    private readonly thread: Thread | null,
  ) {
    const body = this.kjournald();
    if (thread !== null) thread.spawn(body);
    else sim.process(body, 'kjournald');
  }

  private start(): Transaction {
    if (this.running === null) {
      this.running = { tid: this.nextTid++, started: this.sim.now, meta: new Set(), dataRuns: [] };
      this.kick();
    }
    return this.running;
  }

  private kick(): void {
    const w = this.wake;
    if (w !== null) {
      this.wake = null;
      w.succeed(undefined);
    }
  }

  /** journal_dirty_metadata: block b is part of the running transaction. */
  dirtyMeta(b: number): void {
    const t = this.start();
    t.meta.add(b);
    if (t.meta.size > this.size / 4 && this.commitRequested < t.tid) {
      this.commitRequested = t.tid;
      this.kick();
    }
  }

  /** journal_dirty_data (ordered mode): fs blocks [s, e) were written under the running transaction. */
  dirtyData(s: number, e: number): void {
    if (!this.options.ordered) return;
    const runs = this.start().dataRuns;
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] === s) last[1] = e;
    else runs.push([s, e]);
  }

  /** Commits the running transaction (if any) and waits for its commit block (log_start_commit + log_wait_commit). */
  *commitAndWait(): ProcessGenerator<void> {
    const t = this.running;
    if (t === null) {
      // Wait for a commit in progress all the same: what it holds must be on disk.
      if (this.busy) {
        const ev = this.sim.event<undefined>();
        this.waiters.push({ tid: this.nextTid - 1, ev });
        yield ev;
      }
      return;
    }
    this.commitRequested = Math.max(this.commitRequested, t.tid);
    const ev = this.sim.event<undefined>();
    this.waiters.push({ tid: t.tid, ev });
    this.kick();
    yield ev;
  }

  /** umount: commit, checkpoint everything, stop kjournald. */
  *destroy(thread: Thread | null): ProcessGenerator<void> {
    yield* this.commitAndWait();
    yield* this.checkpoint(thread);
    this.stopped = true;
    this.kick();
  }

  private *kjournald(): ProcessGenerator<void> {
    const sim = this.sim;
    for (;;) {
      if (this.stopped) return;
      const t = this.running;
      const due = t !== null && (this.commitRequested >= t.tid || sim.now >= t.started + this.options.commitIntervalS * 1e9);
      if (due) {
        this.running = null;
        this.onClose?.(t.tid);
        yield* this.commit(t);
        continue;
      }
      const wake = sim.event<undefined>();
      this.wake = wake;
      yield t === null ? wake : sim.anyOf([wake, sim.timeout(t.started + this.options.commitIntervalS * 1e9 - sim.now)]);
      this.wake = null;
    }
  }

  private *submitAndWait(bios: Bio[], thread: Thread | null): ProcessGenerator<void> {
    for (const bio of bios) {
      bio.thread = thread;
      bio.cpu = thread?.core?.index ?? 0;
      yield* this.dev.submit(bio);
    }
    for (const bio of bios) yield bio.wait(this.sim);
  }

  /** Bios writing journal blocks [j, j + n) (logical, wrapping past the end to block 1). */
  private journalBios(n: number, flags: number): Bio[] {
    const spb = this.blockSize / 512;
    const bios: Bio[] = [];
    while (n > 0) {
      if (this.head >= this.size) this.head = 1;
      const m = lookupBlock(this.journalInode, this.head);
      if (m === null) throw new Error(`journal block ${this.head} unmapped`);
      const k = Math.min(n, m.count, this.size - this.head, 256);
      bios.push(new Bio('write', m.phys * spb, k * spb, flags));
      this.head += k;
      n -= k;
    }
    return bios;
  }

  private *commit(t: Transaction): ProcessGenerator<void> {
    this.busy = true;
    const thread = this.thread;
    const sim = this.sim;
    const bs = this.blockSize;
    const pagesPerBlock = bs / 4096;
    // (1) Ordered data first.
    if (this.options.ordered) {
      for (const [s, e] of t.dataRuns) {
        this.counters.orderedDataBlocks += e - s;
        yield* this.cache.writeback.writeRange(thread, Math.floor(s * pagesPerBlock), Math.ceil(e * pagesPerBlock), true);
      }
      yield* this.cache.writeback.waitAll();
    }
    const dataDoneNs = sim.now;
    // (2) Descriptor blocks and metadata copies. Make room first if the log is short.
    const n = t.meta.size;
    const blocks = n + Math.max(1, Math.ceil(n / tagsPerDescriptor(bs)));
    if (this.size - 1 - this.used - blocks - 1 < this.size / 4) yield* this.checkpoint(thread);
    const logBios = this.journalBios(blocks, REQ_SYNC | REQ_META);
    yield* this.submitAndWait(logBios, thread);
    // (3) The commit block.
    const commitSubmitNs = sim.now;
    const commitBios = this.journalBios(1, REQ_SYNC | REQ_META | (this.options.barrier ? REQ_PREFLUSH | REQ_FUA : 0));
    yield* this.submitAndWait(commitBios, thread);
    const rec = this.record;
    if (rec !== null) {
      const spb = bs / 512;
      const data: [number, number][] = this.options.ordered ? t.dataRuns.map(([s, e]) => [s * spb, (e - s) * spb]) : [];
      rec.commits.push({ tid: t.tid, log: seqsOf(rec.media, logBios.map((b) => [b.sector, b.sectors])), commit: seqsOf(rec.media, commitBios.map((b) => [b.sector, b.sectors])), data: seqsOf(rec.media, data) });
    }
    this.used += blocks + 1;
    this.counters.journalBlocks += blocks + 1;
    this.counters.commits++;
    this.log.push({ tid: t.tid, dataDoneNs, commitSubmitNs, commitDoneNs: sim.now });
    // (4) Metadata is now dirty at home, for writeback or the checkpoint.
    for (const b of t.meta) {
      this.cache.insert(b * bs, bs, true);
      this.checkpointList.add(b);
    }
    this.committedTid = t.tid;
    this.busy = false;
    const still = [];
    for (const w of this.waiters) {
      if (w.tid <= this.committedTid) w.ev.succeed(undefined);
      else still.push(w);
    }
    this.waiters.length = 0;
    this.waiters.push(...still);
  }

  /** log_do_checkpoint + cleanup_journal_tail: home writes of the checkpoint list, wait, new tail. */
  *checkpoint(thread: Thread | null): ProcessGenerator<void> {
    if (this.checkpointList.size === 0 && this.used === 0) return;
    this.counters.checkpoints++;
    const bs = this.blockSize;
    const sorted = [...this.checkpointList].sort((a, b) => a - b);
    const pagesPerBlock = bs / 4096;
    for (let i = 0; i < sorted.length; ) {
      let j = i + 1;
      while (j < sorted.length && sorted[j] === sorted[j - 1] + 1) j++;
      yield* this.cache.writeback.writeRange(thread, Math.floor(sorted[i] * pagesPerBlock), Math.ceil((sorted[j - 1] + 1) * pagesPerBlock), true);
      i = j;
    }
    yield* this.cache.writeback.waitAll();
    const rec = this.record;
    const home = rec === null ? null : seqsOf(rec.media, sorted.map((b) => [b * (bs / 512), bs / 512]));
    this.checkpointList.clear();
    this.used = 0;
    // The journal superblock records the new tail.
    const m = lookupBlock(this.journalInode, 0);
    if (m !== null) {
      const bio = new Bio('write', m.phys * (bs / 512), bs / 512, REQ_SYNC | REQ_META | (this.options.barrier ? REQ_FUA : 0));
      yield* this.submitAndWait([bio], thread);
      if (rec !== null && home !== null) rec.checkpoints.push({ tid: this.committedTid, home, superblock: seqsOf(rec.media, [[bio.sector, bio.sectors]]) });
    }
  }
}
