// Writeback of a page cache's dirty pages (mm/page-writeback.c, fs/fs-writeback.c, reduced to
// one inode): dirty runs go to the device as large ascending bios from a cyclic cursor
// (range_cyclic, mapping->writeback_index), each bio as long as contiguous dirty pages and
// the queue's max_sectors allow.
//
// One writer at a time per inode (I_SYNC / the 2.6 I_LOCK): the background flusher
// (pdflush, later the bdi flusher thread) and a throttled dirtier doing writeback in
// balance_dirty_pages exclude each other — the one that finds the inode busy goes to
// congestion_wait instead. Background writeback runs while dirty pages exceed the background
// threshold, and periodically (dirty_writeback_centisecs) for pages older than
// dirty_expire_centisecs.
import { type Thread, smpProcessorId } from '../sim/cpu.js';
import type { ProcessGenerator, SimEvent, Simulation } from '../sim/index.js';
import { Bio } from './bio.js';
import type { BlockDevice } from './device.js';
import type { ExtentSet } from './extent-set.js';

/**
 * What writeback needs of the mapping it writes back (struct address_space and the dirty
 * accounting of its backing device): the page cache provides it. An interface here, so that
 * the writeback side does not depend on the page cache's code.
 */
export interface WritebackMapping {
  /** Dirty pages (page numbers within the mapping). */
  readonly dirty: ExtentSet;
  readonly dirtyPages: number;
  /** When the oldest dirty page was dirtied (simulated ns). */
  readonly oldestDirtyTime: number;
  /** First sector of the mapping on its device. */
  readonly firstSector: number;
  readonly options: {
    readonly writeback_ns_per_page: number;
    readonly dirty_expire_centisecs: number;
    readonly dirty_writeback_centisecs: number;
  };
  backgroundThreshPages(): number;
  /** Pages left the dirty set (the throttle's accounting). */
  noteCleaned(): void;
  /** Gives a writeback bio of `pages` pages from page `first` the content the pages hold. */
  describe(bio: Bio, first: number, pages: number): void;
}

export const PAGE_SECTORS = 8;
/** MAX_WRITEBACK_PAGES: what one writeback pass of the flusher writes before re-checking (4 MiB). */
export const MAX_WRITEBACK_PAGES = 1024;

export class Writeback {
  /** Pages in bios not yet completed. */
  pagesUnderWriteback = 0;
  /** The writeback cursor, a page number (mapping->writeback_index). */
  private cursor = 0;
  /** Whether someone holds the inode for writeback. */
  inodeBusy = false;
  private flusherWake: SimEvent<undefined> | null = null;
  private completionWaiters: SimEvent<undefined>[] = [];
  readonly counters = { bios: 0, pages: 0, flusherPasses: 0 };
  private readonly maxBioPages: number;
  private readonly endWrite = (bio: Bio): void => this.written(bio);

  constructor(
    private readonly sim: Simulation,
    private readonly cache: WritebackMapping,
    private readonly dev: BlockDevice,
    /** Largest writeback bio, pages. */
    maxBioPages: number,
    /** The flusher's thread, or null to run it as a bare process. */
    private readonly flusherThread: Thread | null,
  ) {
    this.maxBioPages = Math.max(1, maxBioPages);
    const body = this.flusher();
    if (flusherThread !== null) flusherThread.spawn(body);
    else sim.process(body, `flush-${dev.name}`);
  }

  /** Kicks the background flusher (pdflush_operation(background_writeout)). */
  wakeFlusher(): void {
    const w = this.flusherWake;
    if (w !== null) {
      this.flusherWake = null;
      w.succeed(undefined);
    }
  }

  /** An event that fires at the next writeback completion (what congestion_wait waits for). */
  nextCompletion(): SimEvent<undefined> {
    const ev = this.sim.event<undefined>();
    this.completionWaiters.push(ev);
    return ev;
  }

  /**
   * Writes back up to `maxPages` dirty pages from the cursor, in the caller's context (the
   * submitter sleeps in the block layer when the queue is full). Returns pages submitted;
   * 0 if the inode is busy with another writer.
   */
  *writePages(thread: Thread | null, maxPages: number, sync: boolean): ProcessGenerator<number> {
    if (this.inodeBusy) return 0;
    this.inodeBusy = true;
    let done = 0;
    try {
      const cache = this.cache;
      while (done < maxPages) {
        const run = cache.dirty.takeFrom(this.cursor, Math.min(this.maxBioPages, maxPages - done));
        if (run === null) {
          this.cursor = 0;
          break;
        }
        const [s, e] = run;
        this.cursor = e;
        const pages = e - s;
        done += pages;
        yield* this.submitPages(thread, s, pages, sync);
      }
    } finally {
      this.inodeBusy = false;
    }
    return done;
  }

  /**
   * One writeback bio for `pages` pages from page `s`, already taken off the dirty set: the
   * pages go under writeback, the CPU of preparing them is charged, the bio is submitted
   * (__writepage -> submit_bio).
   */
  private *submitPages(thread: Thread | null, s: number, pages: number, sync: boolean): ProcessGenerator<void> {
    const cache = this.cache;
    this.pagesUnderWriteback += pages;
    cache.noteCleaned();
    if (thread !== null && cache.options.writeback_ns_per_page > 0) yield thread.exec(pages * cache.options.writeback_ns_per_page);
    const bio = new Bio('write', cache.firstSector + s * PAGE_SECTORS, pages * PAGE_SECTORS, sync ? 1 : 0);
    bio.thread = thread;
    bio.cpu = smpProcessorId(thread);
    bio.endIo = this.endWrite;
    cache.describe(bio, s, pages);
    this.counters.bios++;
    this.counters.pages += pages;
    yield* this.dev.submit(bio);
  }

  /**
   * Writes back the dirty pages of [first, end) now, in the caller's context and whoever holds
   * the inode (jbd's ordered-mode data flush and checkpoint write buffers directly with
   * ll_rw_block). Returns pages submitted.
   */
  *writeRange(thread: Thread | null, first: number, end: number, sync: boolean): ProcessGenerator<number> {
    const cache = this.cache;
    let done = 0;
    for (;;) {
      const run = cache.dirty.takeFrom(first, Math.min(this.maxBioPages, end - first));
      if (run === null) break;
      const [s, e] = run;
      if (s >= end || s < first) {
        cache.dirty.add(s, e);
        break;
      }
      const stop = Math.min(e, end);
      if (stop < e) cache.dirty.add(stop, e);
      const pages = stop - s;
      done += pages;
      yield* this.submitPages(thread, s, pages, sync);
      first = stop;
      if (first >= end) break;
    }
    return done;
  }

  /** Waits until every page now under writeback has completed (filemap_fdatawait). */
  *waitAll(): ProcessGenerator<void> {
    while (this.pagesUnderWriteback > 0) yield this.nextCompletion();
  }

  private written(bio: Bio): void {
    const pages = bio.sectors / PAGE_SECTORS;
    this.pagesUnderWriteback -= pages;
    const ws = this.completionWaiters;
    if (ws.length > 0) {
      this.completionWaiters = [];
      for (const w of ws) w.succeed(undefined);
    }
  }

  /**
   * The background flusher: while dirty pages exceed the background threshold, write
   * MAX_WRITEBACK_PAGES at a time; if the inode is busy (a throttled dirtier writes it),
   * wait like congestion_wait. Otherwise sleep until kicked or the periodic kupdate time,
   * when pages older than the expiry go out.
   */
  private *flusher(): ProcessGenerator<void> {
    const sim = this.sim;
    const cache = this.cache;
    const o = cache.options;
    for (;;) {
      const over = cache.dirtyPages > cache.backgroundThreshPages();
      const expired = cache.dirtyPages > 0 && sim.now - cache.oldestDirtyTime >= o.dirty_expire_centisecs * 1e7;
      if (over || expired) {
        this.counters.flusherPasses++;
        const n = yield* this.writePages(this.flusherThread, MAX_WRITEBACK_PAGES, false);
        if (n === 0) yield sim.anyOf([this.nextCompletion(), sim.timeout(100e6)]);
        continue;
      }
      // Sleep until kicked; with dirty pages around, also until the next periodic pass
      // (with none, no timer is armed, so an idle cache leaves nothing on the agenda).
      const wake = sim.event<undefined>();
      this.flusherWake = wake;
      yield cache.dirtyPages > 0 ? sim.anyOf([wake, sim.timeout(o.dirty_writeback_centisecs * 1e7)]) : wake;
      this.flusherWake = null;
    }
  }
}
