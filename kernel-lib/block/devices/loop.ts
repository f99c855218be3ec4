// loop (drivers/block/loop.c): a block device backed by a file on another device. One kernel
// thread per loop device ("loop0") takes requests one at a time, in order, and does the file
// I/O, waiting for it. Being one serial thread, a loop device never has more than one file
// operation in flight (modern loop uses per-request work items; `workers` > 1 approximates that).
//
// How the file I/O is done is `io`:
// - `buffered` (2.6, and losetup's default today): through the backing file's page cache
//   (PageCache), as 2.6's do_bio_filebacked does [S 2.6 loop.c]. A read is do_lo_receive,
//   splice/sendfile from the file's cache with the file's read-ahead: a cached page is a
//   copy, a missing one a backing read of the read-ahead window. A write is do_lo_send_aops,
//   prepare_write/commit_write into the cache: the pages are dirtied and written back later
//   by the flusher (pdflush), the loop thread throttled in balance_dirty_pages like any
//   writer [R]. A flush is an fsync of the file (lo_req_flush of later kernels [R]).
// - `direct` (LOOP_SET_DIRECT_IO, 4.4+, opt-in [R]): each request maps 1:1 to a backing bio,
//   after the copy and per-request costs (the model before `io` existed, kept unchanged).
//
// The read-ahead state is the backing file's (struct file_ra_state of lo_backing_file), as
// 2.6.16-2.6.22 mm/readahead.c keeps it ([R]: the window sizes are recalled, not checked): a
// read at the page after the previous one is sequential and gets a window (get_init_ra_size:
// 4x the request rounded up to a power of two when small, then get_next_ra_size: x4 while
// under max/16, else x2, up to read_ahead_kib); a read elsewhere turns read-ahead off and
// reads just its pages (ra_off). Simplified: the window is read when the first page of a
// read is missing (synchronously), not in the background ahead of the reader.
import { type CpuSet, type Thread, smpProcessorId } from '../../sim/cpu.js';
import { Deque, type ProcessGenerator, type SimEvent, type Simulation } from '../../sim/index.js';
import { Bio } from '../bio.js';
import type { BlockDevice } from '../device.js';
import type { BlockDriver, DriverHost } from '../driver.js';
import { PageCache, type PageCacheOptions, PAGE_SIZE } from '../page-cache.js';
import type { Request } from '../request.js';

export interface LoopParams {
  /** Where the file's data starts on the backing device, sectors (a contiguous file). */
  offset_sectors: number;
  /** Size of the loop device, sectors; 0 = the rest of the backing device. */
  size_sectors: number;
  /** Copy bandwidth of the extra memcpy, MB/s [R]. */
  copy_mbps: number;
  /** Per-request cost in the loop thread (file lookup, bio setup), ns [R]. */
  per_io_ns: number;
  /** Loop worker threads (1 in 2.6). */
  workers: number;
  /** How the backing file is read and written: through its page cache, or direct I/O (see above). */
  io: 'buffered' | 'direct';
}

export const LOOP_DEFAULTS: Readonly<LoopParams> = Object.freeze({
  offset_sectors: 0,
  size_sectors: 0,
  copy_mbps: 3000,
  per_io_ns: 2000,
  workers: 1,
  io: 'buffered',
} satisfies LoopParams);

export class LoopDevice implements BlockDriver {
  readonly sizeSectors: number;
  readonly logicalBlockSize = 512;
  readonly queueDepth = 128;
  readonly nrHwQueues = 1;
  readonly maxHwSectors = 1024;
  readonly issueCpuNs = 300;
  readonly irqCpuNs = 0;
  private host: DriverHost | null = null;
  private readonly queue = new Deque<Request>();
  private readonly idle: SimEvent<undefined>[] = [];
  /** The backing file's page cache (buffered I/O), else null. */
  readonly fileCache: PageCache | null;
  /** file_ra_state: the last page read (prev_page, -1 before any), and the current window, pages. */
  private raPrevPage = -1;
  private raSize = 0;
  private readonly raMaxPages: number;

  constructor(
    private readonly sim: Simulation,
    cpus: CpuSet | null,
    readonly name: string,
    readonly backing: BlockDevice,
    readonly params: LoopParams,
    /** Options of the backing file's page cache (RAM, dirty ratios, read-ahead), buffered I/O only. */
    pageCache: Partial<PageCacheOptions> = {},
  ) {
    const room = backing.sizeSectors - params.offset_sectors;
    if (!(room > 0)) throw new Error(`${name}: offset_sectors ${params.offset_sectors} lies beyond the backing device ${backing.name}`);
    this.sizeSectors = params.size_sectors > 0 ? Math.min(params.size_sectors, room) : room;
    if (params.io !== 'buffered' && params.io !== 'direct') throw new Error(`io: expected "buffered" or "direct", got ${JSON.stringify(params.io)}`);
    this.fileCache = params.io === 'buffered' ? new PageCache(sim, backing, cpus, { ...pageCache, first_sector: params.offset_sectors }) : null;
    this.raMaxPages = this.fileCache === null ? 0 : Math.floor((this.fileCache.options.read_ahead_kib * 1024) / PAGE_SIZE);
    for (let i = 0; i < params.workers; i++) {
      const thread = cpus?.thread(`${name}-worker${i}`) ?? null;
      const body = this.worker(thread);
      if (thread !== null) thread.spawn(body);
      else sim.process(body, `${name}-worker${i}`);
    }
  }

  attach(host: DriverHost): void {
    this.host = host;
  }

  queueRq(rq: Request): void {
    this.queue.push(rq);
    const w = this.idle.pop();
    if (w !== undefined) w.succeed(undefined);
  }

  private *worker(thread: Thread | null): ProcessGenerator<void> {
    const sim = this.sim;
    const p = this.params;
    for (;;) {
      const rq = this.queue.shift();
      if (rq === undefined) {
        const ev = sim.event<undefined>();
        this.idle.push(ev);
        yield ev;
        continue;
      }
      const cache = this.fileCache;
      if (cache !== null && rq.op !== 'discard') {
        yield thread !== null ? thread.exec(p.per_io_ns) : sim.timeout(p.per_io_ns);
        const offset = rq.sector * 512;
        if (rq.op === 'read') yield* cache.read(thread, offset, rq.bytes, this.readAhead(rq.sector, rq.sectors));
        else if (rq.op === 'flush') yield* cache.fsync(thread);
        else yield* cache.write(thread, offset, rq.bytes);
        (this.host as DriverHost).completeRequest(rq, null, smpProcessorId(thread, rq.cpu));
        continue;
      }
      // Direct I/O (and a discard, passed to the file's blocks: hole punching is not modelled).
      const copyNs = p.per_io_ns + (rq.bytes * 1e3) / p.copy_mbps;
      yield thread !== null ? thread.exec(copyNs) : sim.timeout(copyNs);
      const bio = new Bio(rq.op, rq.op === 'flush' ? 0 : rq.sector + p.offset_sectors, rq.sectors, rq.flags);
      bio.thread = thread;
      bio.cpu = smpProcessorId(thread, rq.cpu);
      yield* this.backing.submit(bio);
      yield bio.wait(sim);
      (this.host as DriverHost).completeRequest(rq, bio.status, bio.completionCpu >= 0 ? bio.completionCpu : rq.cpu);
    }
  }

  /**
   * page_cache_readahead (2.6.16 mm/readahead.c), reduced: the read-ahead window, in pages, of a
   * read of `sectors` at `sector` (see the file comment); 0 for a random read.
   */
  private readAhead(sector: number, sectors: number): number {
    const first = Math.floor((sector * 512) / PAGE_SIZE);
    const pages = Math.ceil(((sector + sectors) * 512) / PAGE_SIZE) - first;
    const sequential = first === this.raPrevPage + 1;
    this.raPrevPage = first + pages - 1;
    if (!sequential) {
      this.raSize = 0; // ra_off
      return 0;
    }
    const max = this.raMaxPages;
    if (this.fileCache !== null && this.fileCache.isCached(sector * 512, sectors * 512)) return this.raSize;
    if (this.raSize === 0) {
      // get_init_ra_size
      const size = 2 ** Math.ceil(Math.log2(Math.max(1, pages)));
      this.raSize = size <= max / 32 ? size * 4 : size <= max / 4 ? size * 2 : max;
    } else {
      // get_next_ra_size
      this.raSize = Math.min(max, this.raSize < max / 16 ? 4 * this.raSize : 2 * this.raSize);
    }
    return this.raSize;
  }
}
