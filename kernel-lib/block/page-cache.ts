// The page cache of one file or block device, for buffered I/O from the workload layer:
//
//   yield* cache.write(thread, offsetBytes, bytes)   // copy into the cache, maybe throttled
//   yield* cache.read(thread, offsetBytes, bytes)    // from the cache, else device + read-ahead
//   yield* cache.fsync(thread)                       // write back, wait, flush the disk cache
//
// A write copies into pages (CPU time per page) and dirties them; then the writer passes
// through balance_dirty_pages. The thresholds are fractions of dirtyable memory (free plus
// reclaimable pages, `dirtyable_fraction` of RAM): dirty_ratio (40% in 2.6.21, 20% later)
// and dirty_background_ratio (10%). Dirty plus under-writeback pages above the dirty
// threshold throttle the writer:
// - `throttle: '2.6'` (2.6.x): the writer writes back a chunk itself (write_chunk =
//   1.5 x ratelimit_pages), then if still over waits in congestion_wait (until a writeback
//   completes, at most 100 ms) and retries;
// - `throttle: 'io-less'` (3.2+): the writer only sleeps until enough writeback completed.
// Above the background threshold the flusher is woken (writeback.ts). Memory holds at most
// the dirtyable pages; clean pages are reclaimed oldest first.
import { describeValue } from '../base/describe-value.js';
import { type CpuSet, type Thread, smpProcessorId } from '../sim/cpu.js';
import { Deque, type ProcessGenerator, type Simulation } from '../sim/index.js';
import { Bio, REQ_PREFLUSH, REQ_RAHEAD, REQ_SYNC, type BioPayload } from './bio.js';
import type { BlockDevice } from './device.js';
import { ExtentSet } from './extent-set.js';
import { PageContent } from './page-content.js';
import { PAGE_SECTORS, Writeback } from './writeback.js';

export const PAGE_SIZE = 4096;

export interface PageCacheOptions {
  /** Machine RAM, MiB. */
  ram_mib: number;
  /** Share of RAM that is dirtyable (free + reclaimable, not kernel or anonymous memory). */
  dirtyable_fraction: number;
  /** vm.dirty_ratio, percent of dirtyable memory (40 in 2.6.21, 20 from 2.6.22/23 on). */
  dirty_ratio: number;
  /** vm.dirty_background_ratio, percent (10). */
  dirty_background_ratio: number;
  /** vm.dirty_expire_centisecs (3000 = 30 s). */
  dirty_expire_centisecs: number;
  /** vm.dirty_writeback_centisecs (500 = 5 s). */
  dirty_writeback_centisecs: number;
  throttle: '2.6' | 'io-less';
  /** ratelimit_pages (2.6: RAM/(CPUs x 32) clamped to 16..1024); write_chunk = 1.5 x this. */
  ratelimit_pages: number;
  /** CPU per page copied into or out of the cache (memcpy + radix tree + accounting), ns. */
  copy_ns_per_page: number;
  /** CPU per page put under writeback (bio_add_page, tagging), ns. */
  writeback_ns_per_page: number;
  /** Largest writeback bio, KiB (BIO_MAX_PAGES = 256 pages = 1 MiB; capped by the queue's max_sectors). */
  writeback_bio_kib: number;
  /** Read-ahead window, KiB (VM_MAX_READAHEAD = 128). */
  read_ahead_kib: number;
  /** Whether fsync sends a cache flush to the device (barriers: off by default in 2.6 ext3, on later). */
  fsync_flush: boolean;
  /** Where the cached file starts on the device, sectors (0 for a block device itself). */
  first_sector: number;
}

export const PAGE_CACHE_DEFAULTS: Readonly<PageCacheOptions> = Object.freeze({
  ram_mib: 1024,
  dirtyable_fraction: 0.9,
  dirty_ratio: 20,
  dirty_background_ratio: 10,
  dirty_expire_centisecs: 3000,
  dirty_writeback_centisecs: 500,
  throttle: 'io-less',
  ratelimit_pages: 1024,
  copy_ns_per_page: 1000,
  writeback_ns_per_page: 100,
  writeback_bio_kib: 1024,
  read_ahead_kib: 128,
  fsync_flush: true,
  first_sector: 0,
} satisfies PageCacheOptions);

const PAGE_CACHE_CHECKS: Record<keyof PageCacheOptions, (v: unknown) => string | null> = {
  ram_mib: (v) => (typeof v === 'number' && v >= 1 ? null : 'a size in MiB >= 1'),
  dirtyable_fraction: (v) => (typeof v === 'number' && v > 0 && v <= 1 ? null : 'a fraction in (0, 1]'),
  dirty_ratio: (v) => (typeof v === 'number' && v > 0 && v <= 100 ? null : 'a percentage in (0, 100]'),
  dirty_background_ratio: (v) => (typeof v === 'number' && v > 0 && v <= 100 ? null : 'a percentage in (0, 100]'),
  dirty_expire_centisecs: (v) => (typeof v === 'number' && v >= 0 ? null : 'centiseconds >= 0'),
  dirty_writeback_centisecs: (v) => (typeof v === 'number' && v > 0 ? null : 'centiseconds > 0'),
  throttle: (v) => (v === '2.6' || v === 'io-less' ? null : 'one of "2.6", "io-less"'),
  ratelimit_pages: (v) => (Number.isSafeInteger(v) && (v as number) >= 1 ? null : 'a positive integer'),
  copy_ns_per_page: (v) => (typeof v === 'number' && v >= 0 ? null : 'ns >= 0'),
  writeback_ns_per_page: (v) => (typeof v === 'number' && v >= 0 ? null : 'ns >= 0'),
  writeback_bio_kib: (v) => (Number.isSafeInteger(v) && (v as number) >= 4 ? null : 'an integer >= 4 KiB'),
  read_ahead_kib: (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? null : 'an integer >= 0 KiB'),
  fsync_flush: (v) => (typeof v === 'boolean' ? null : 'true or false'),
  first_sector: (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? null : 'a sector >= 0'),
};

/** Validates an untyped record of page-cache options (e.g. scenario `vm.*` params), naming the bad key. */
export function parsePageCacheOptions(record: Record<string, unknown> = {}, prefix = 'vm', base: Partial<PageCacheOptions> = {}): PageCacheOptions {
  const out: PageCacheOptions = { ...PAGE_CACHE_DEFAULTS, ...base };
  for (const [key, value] of Object.entries(record)) {
    const check = Object.hasOwn(PAGE_CACHE_CHECKS, key) ? PAGE_CACHE_CHECKS[key as keyof PageCacheOptions] : undefined;
    if (check === undefined) throw new Error(`${prefix}.${key}: unknown page-cache parameter; known: ${Object.keys(PAGE_CACHE_CHECKS).join(', ')}`);
    const problem = check(value);
    if (problem !== null) throw new Error(`${prefix}.${key}: expected ${problem}, got ${describeValue(value)}`);
    (out as unknown as Record<string, unknown>)[key] = value;
  }
  if (out.dirty_background_ratio >= out.dirty_ratio) {
    // get_dirty_limits: background >= dirty is halved to dirty / 2.
    out.dirty_background_ratio = out.dirty_ratio / 2;
  }
  return out;
}

export class PageCache {
  readonly options: PageCacheOptions;
  /** Dirty pages (page numbers within the file). */
  readonly dirty = new ExtentSet();
  /** What the pages hold (for targets that look at data), described per page. */
  readonly content = new PageContent();
  /** Pages present in the cache (clean or dirty), for reads. */
  private readonly cached = new ExtentSet();
  /** Ranges in the order they entered the cache, for reclaim. */
  private readonly insertions = new Deque<[number, number]>();
  readonly writeback: Writeback;
  /** When the oldest currently dirty page was dirtied (approximated: first dirtying since clean). */
  oldestDirtyTime = Infinity;
  readonly counters = { writes: 0, reads: 0, readHits: 0, throttled: 0, throttleNs: 0, congestionWaits: 0 };
  private readonly dirtyablePages: number;
  private readonly capacityPages: number;

  constructor(
    private readonly sim: Simulation,
    readonly dev: BlockDevice,
    cpus: CpuSet | null,
    options: Partial<PageCacheOptions> = {},
  ) {
    this.options = { ...PAGE_CACHE_DEFAULTS, ...options };
    const o = this.options;
    const ramPages = (o.ram_mib * 2 ** 20) / PAGE_SIZE;
    this.dirtyablePages = Math.floor(ramPages * o.dirtyable_fraction);
    this.capacityPages = this.dirtyablePages;
    const bioPages = Math.floor((o.writeback_bio_kib * 1024) / PAGE_SIZE);
    this.writeback = new Writeback(sim, this, dev, bioPages, cpus?.thread(`flush-${dev.name}`) ?? null);
  }

  get firstSector(): number {
    return this.options.first_sector;
  }

  get dirtyPages(): number {
    return this.dirty.size;
  }

  dirtyThreshPages(): number {
    return Math.floor((this.dirtyablePages * this.options.dirty_ratio) / 100);
  }

  backgroundThreshPages(): number {
    return Math.floor((this.dirtyablePages * this.options.dirty_background_ratio) / 100);
  }

  /**
   * Buffered write of [offset, offset + bytes): whole pages (partial pages count whole). The
   * buffer holds `payload` from its block `payloadBlock` on (null: unique data); writeback
   * sends it on with the pages.
   */
  *write(thread: Thread | null, offsetBytes: number, bytes: number, payload: BioPayload | null = null, payloadBlock = 0): ProcessGenerator<void> {
    const sim = this.sim;
    const first = Math.floor(offsetBytes / PAGE_SIZE);
    const end = Math.ceil((offsetBytes + bytes) / PAGE_SIZE);
    this.checkRange(end);
    this.counters.writes++;
    this.content.set(first, end, payload, payloadBlock);
    const copyNs = (end - first) * this.options.copy_ns_per_page;
    if (copyNs > 0) yield thread !== null ? thread.exec(copyNs) : sim.timeout(copyNs);
    const wasClean = this.dirty.size === 0;
    this.dirty.add(first, end);
    if (wasClean) {
      // Clean to dirty: start the expiry clock and let the flusher arm its periodic timer.
      this.oldestDirtyTime = sim.now;
      this.writeback.wakeFlusher();
    }
    this.addCached(first, end);
    // balance_dirty_pages, in the 2.6 or the IO-less form (see the file comment). Written
    // here rather than as a helper generator: a throttled writer submits its writeback from
    // inside this loop, so it is resumed here at every CPU charge and lock of the layers
    // below (dm), and each nested generator level costs a resume of its own every time.
    const wb = this.writeback;
    const o = this.options;
    const started = sim.now;
    let throttled = false;
    const writeChunk = Math.floor(o.ratelimit_pages * 1.5);
    let written = 0;
    while (this.dirty.size + wb.pagesUnderWriteback > this.dirtyThreshPages()) {
      throttled = true;
      if (o.throttle === '2.6' && this.dirty.size > 0) {
        written += yield* wb.writePages(thread, writeChunk - written, false);
        if (this.dirty.size + wb.pagesUnderWriteback <= this.dirtyThreshPages()) break;
        if (written >= writeChunk) break; // "we've done our duty"
      } else {
        wb.wakeFlusher();
      }
      this.counters.congestionWaits++;
      yield o.throttle === '2.6' ? sim.anyOf([wb.nextCompletion(), sim.timeout(100e6)]) : wb.nextCompletion();
    }
    if (throttled) {
      this.counters.throttled++;
      this.counters.throttleNs += sim.now - started;
    }
    if (this.dirty.size > this.backgroundThreshPages()) wb.wakeFlusher();
  }

  /**
   * Buffered read: cached pages are copied; missing ones are read with read-ahead and waited for.
   * `readAheadPages` is the window of this read (the file's read-ahead state decides it: the
   * loop device passes 0 for a random access); by default the full read_ahead_kib.
   */
  *read(thread: Thread | null, offsetBytes: number, bytes: number, readAheadPages = (this.options.read_ahead_kib * 1024) / PAGE_SIZE): ProcessGenerator<void> {
    const sim = this.sim;
    const first = Math.floor(offsetBytes / PAGE_SIZE);
    const end = Math.ceil((offsetBytes + bytes) / PAGE_SIZE);
    this.checkRange(end);
    this.counters.reads++;
    if (this.cached.covers(first, end)) {
      this.counters.readHits++;
    } else {
      const lastPage = Math.floor((this.dev.sizeSectors - this.firstSector) / PAGE_SECTORS);
      const raEnd = Math.min(lastPage, Math.max(end, first + readAheadPages));
      const bio = new Bio('read', this.firstSector + first * PAGE_SECTORS, (raEnd - first) * PAGE_SECTORS, REQ_SYNC | (raEnd > end ? REQ_RAHEAD : 0));
      bio.thread = thread;
      bio.cpu = smpProcessorId(thread);
      yield* this.dev.submit(bio);
      yield bio.wait(sim);
      this.addCached(first, raEnd);
    }
    const copyNs = (end - first) * this.options.copy_ns_per_page;
    if (copyNs > 0) yield thread !== null ? thread.exec(copyNs) : sim.timeout(copyNs);
  }

  /** fsync / fdatasync: write back everything dirty, wait for it, then flush the device cache. */
  *fsync(thread: Thread | null): ProcessGenerator<void> {
    yield* this.writeAndWait(thread);
    if (this.options.fsync_flush) {
      const flush = new Bio('flush', 0, 0, REQ_SYNC | REQ_PREFLUSH);
      flush.thread = thread;
      flush.cpu = smpProcessorId(thread);
      yield* this.dev.submit(flush);
      yield flush.wait(this.sim);
    }
  }

  /**
   * Writes back everything dirty and waits for it, without a cache flush: sync_file_range
   * with SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER over the whole device.
   */
  *writeAndWait(thread: Thread | null): ProcessGenerator<void> {
    const wb = this.writeback;
    while (this.dirty.size > 0) {
      const n = yield* wb.writePages(thread, Infinity, true);
      // The flusher holds the inode: wait for its bios, then write what is left ourselves.
      if (n === 0) yield wb.nextCompletion();
    }
    yield* wb.waitAll();
  }

  /** fdatasync: the same for a block device (no separate metadata). */
  fdatasync(thread: Thread | null): ProcessGenerator<void> {
    return this.fsync(thread);
  }

  /**
   * Puts [offset, offset + bytes) in the cache without a copy or a throttle, dirty or clean:
   * what a file system does with a metadata buffer it has just built or journalled
   * (mark_buffer_dirty from kjournald, sb_getblk of a new block).
   */
  insert(offsetBytes: number, bytes: number, dirty: boolean): void {
    const first = Math.floor(offsetBytes / PAGE_SIZE);
    const end = Math.ceil((offsetBytes + bytes) / PAGE_SIZE);
    this.checkRange(end);
    if (dirty) {
      // A metadata buffer's bytes are its own: a page that holds one is no longer all data.
      this.content.set(first, end, null);
      const wasClean = this.dirty.size === 0;
      this.dirty.add(first, end);
      if (wasClean) {
        this.oldestDirtyTime = this.sim.now;
        this.writeback.wakeFlusher();
      }
    }
    this.addCached(first, end);
  }

  /** Whether every page of the range is cached. */
  isCached(offsetBytes: number, bytes: number): boolean {
    return this.cached.covers(Math.floor(offsetBytes / PAGE_SIZE), Math.ceil((offsetBytes + bytes) / PAGE_SIZE));
  }

  /**
   * echo 3 > /proc/sys/vm/drop_caches, or the last close of a block device (kill_bdev):
   * clean pages go. Dirty pages stay dirty, but are no longer counted as cached for reads
   * (callers drop caches after sync, when there are none).
   */
  dropClean(): void {
    this.cached.clear();
    while (this.insertions.length > 0) this.insertions.shift();
  }

  /** @internal the content of a writeback bio's pages (Writeback's submitPages). */
  describe(bio: Bio, first: number, pages: number): void {
    this.content.describe(bio, first, pages);
  }

  /** @internal pages left the dirty set for writeback: restart the expiry clock when clean. */
  noteCleaned(): void {
    if (this.dirty.size === 0) this.oldestDirtyTime = Infinity;
  }

  private addCached(first: number, end: number): void {
    if (this.cached.add(first, end) > 0) this.insertions.push([first, end]);
    // Reclaim in insertion order (FIFO, which is LRU for streaming access), never the pages
    // just added; dirty pages stay in the dirty set whatever happens here.
    while (this.cached.size > this.capacityPages && this.insertions.length > 1) {
      const [s, e] = this.insertions.shift() as [number, number];
      this.cached.remove(s, e);
    }
  }

  private checkRange(endPage: number): void {
    const limit = (this.dev.sizeSectors - this.firstSector) / PAGE_SECTORS;
    if (endPage > limit) throw new Error(`page cache of ${this.dev.name}: I/O beyond the end (page ${endPage} > ${limit})`);
  }
}
