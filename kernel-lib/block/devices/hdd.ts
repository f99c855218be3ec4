// A disk drive: one mechanism (arm + spindle) serving a command queue (NCQ), an on-board
// cache with read-ahead, and an optional write-back buffer.
//
// Service of a media access starting at t, from the head's current cylinder:
//   command overhead (only if the command found the drive idle: queued commands are decoded
//   while the previous one runs) + seek(|dc|) (or a head switch on the same cylinder)
//   + rotational wait until the first sector comes round (the platter angle is a function
//     of time, so a request that arrives just after its sector passed waits almost a turn)
//   + media transfer (geometry.transferNs: turns per track, plus switches).
// Reads that the read-ahead already holds are served from the cache over the link; a read
// that continues the live read-ahead stream costs only the remaining media time.
// With the write cache on, a write is acknowledged once buffered; the mechanism destages
// dirty extents when it has no reads to do (or at once when writers wait for room), picking
// the extent cheapest to reach (shortest positioning time first).
// Host commands are picked FIFO or shortest-positioning-time-first (`scheduling`).
import { Deque, type Scheduled, type Simulation } from '../../sim/index.js';
import { REQ_FUA } from '../bio.js';
import type { BlockDriver, DriverHost } from '../driver.js';
import type { Request } from '../request.js';
import { ReadCache, WriteBackCache, type DestageCost, type DirtyExtent } from './hdd-cache.js';
import { HddGeometry, type GeometryParams } from './hdd-geometry.js';
import { SeekCurve } from './hdd-seek.js';

export interface HddParams extends GeometryParams {
  avg_seek_ns: number;
  full_stroke_ns: number;
  /** Firmware time to decode a command, ns. */
  command_overhead_ns: number;
  /** Interface rate, MB/s (SATA 1.5 Gb/s = 150, 3 Gb/s = 300, 6 Gb/s = 600). */
  link_mbps: number;
  /** Read segments of the cache. */
  read_segments: number;
  /** Read-ahead past a media read, KiB. */
  read_ahead_kib: number;
  /** Write-back caching (hdparm -W1). */
  write_cache: boolean;
  /** Dirty data the buffer holds, KiB. */
  write_buffer_kib: number;
  /** Dirty extents the firmware tracks at once. */
  write_buffer_extents: number;
  /** Largest single destage operation, KiB. */
  destage_max_kib: number;
  /** Commands queued in the drive (NCQ 31; 1 without queueing). */
  queue_depth: number;
  /** Order of host commands: fifo, or shortest positioning time first. */
  scheduling: 'fifo' | 'sptf';
  /** AHCI issue path, ns of CPU [R]. */
  issue_cpu_ns: number;
  /** Interrupt handler, ns of CPU [R]. */
  irq_cpu_ns: number;
}

/** One recorded head movement: when, to which LBA and cylinder, over how many cylinders. */
export interface HeadMove {
  time: number;
  lba: number;
  cylinder: number;
  seekCylinders: number;
  kind: 'read' | 'write' | 'destage';
}

type Op = { kind: 'host'; rq: Request } | { kind: 'destage'; sectors: number } | null;

export class Hdd implements BlockDriver {
  readonly sizeSectors: number;
  readonly logicalBlockSize = 512;
  readonly queueDepth: number;
  readonly nrHwQueues = 1;
  readonly maxHwSectors = 65535;
  readonly issueCpuNs: number;
  readonly irqCpuNs: number;
  /** hdparm -W: the write-back cache loses what was not destaged when the power is cut. */
  readonly volatileWriteCache: boolean;
  readonly geometry: HddGeometry;
  readonly seek: SeekCurve;
  readonly stats = { mediaOps: 0, seeks: 0, seekCylinders: 0, seekNs: 0, rotationNs: 0, transferNs: 0, cacheHits: 0, streamed: 0, destages: 0, bufferFullWaits: 0 };
  private host: DriverHost | null = null;
  private readonly readCache: ReadCache;
  private readonly writeCache: WriteBackCache | null;
  /** Commands that need the mechanism (read misses, write-through and FUA writes). */
  private readonly pending: Request[] = [];
  private readonly waitingWrites = new Deque<Request>();
  private readonly flushWaiters: Request[] = [];
  private headCyl = 0;
  private headSurface = 0;
  private readonly phase: number;
  private linkFree = 0;
  private op: Op = null;
  private readonly nsPerLinkByte: number;
  private readonly mechanism: Scheduled = { _fire: () => this.finishOp() };
  private readonly complete = (rq: Request): void => (this.host as DriverHost).completeRequest(rq);
  private trace: { ring: HeadMove[]; capacity: number; next: number } | null = null;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly params: HddParams,
  ) {
    this.geometry = new HddGeometry(params);
    this.seek = new SeekCurve(params, this.geometry.cylinders);
    this.sizeSectors = this.geometry.sizeSectors;
    this.queueDepth = params.queue_depth;
    this.issueCpuNs = params.issue_cpu_ns;
    this.irqCpuNs = params.irq_cpu_ns;
    this.nsPerLinkByte = 1e3 / params.link_mbps;
    this.readCache = new ReadCache(params.read_segments, params.read_ahead_kib * 2);
    this.volatileWriteCache = params.write_cache;
    this.writeCache = params.write_cache ? new WriteBackCache(this.geometry, params.write_buffer_kib * 2, params.write_buffer_extents) : null;
    // Where the platter is at time 0: drawn once per device from its own stream.
    this.phase = sim.rng(`hdd:${name}:phase`).random();
  }

  attach(host: DriverHost): void {
    this.host = host;
  }

  /** Platter angle at time t, as a fraction of a turn. */
  angleAt(t: number): number {
    const a = t / this.geometry.rotationNs + this.phase;
    return a - Math.floor(a);
  }

  /** Records head movements in a ring of `capacity` entries (the "seek storm" plots). */
  enableHeadTrace(capacity = 100_000): void {
    this.trace = { ring: [], capacity, next: 0 };
  }

  /** The recorded head movements, oldest first. */
  headTrace(): HeadMove[] {
    const t = this.trace;
    if (t === null) return [];
    return t.ring.length < t.capacity ? t.ring.slice() : [...t.ring.slice(t.next), ...t.ring.slice(0, t.next)];
  }

  queueRq(rq: Request): void {
    const now = this.sim.now;
    const p = this.params;
    switch (rq.op) {
      case 'flush':
        if (this.writeCache === null || (this.writeCache.isEmpty && this.op?.kind !== 'destage')) this.completeAt(rq, now + p.command_overhead_ns);
        else this.flushWaiters.push(rq);
        break;
      case 'discard':
        this.completeAt(rq, now + p.command_overhead_ns);
        return;
      case 'read':
        if (this.readCache.hit(rq.sector, rq.end, now)) {
          this.stats.cacheHits++;
          this.completeAt(rq, this.linkTransfer(now + p.command_overhead_ns, rq.bytes));
          return;
        }
        this.pending.push(rq);
        break;
      default: {
        const wc = this.writeCache;
        if (wc !== null && (rq.flags & REQ_FUA) === 0) {
          if (this.waitingWrites.length === 0 && wc.hasRoom(rq.sectors)) this.accept(rq, now);
          else {
            this.stats.bufferFullWaits++;
            this.waitingWrites.push(rq);
          }
        } else {
          this.pending.push(rq);
        }
      }
    }
    if (this.op === null) this.startNext();
  }

  private completeAt(rq: Request, t: number): void {
    rq.onTimer = this.complete;
    this.sim.schedule(rq, t - this.sim.now);
  }

  private linkTransfer(from: number, bytes: number): number {
    this.linkFree = Math.max(from, this.linkFree) + bytes * this.nsPerLinkByte;
    return this.linkFree;
  }

  /** A buffered write: acknowledged once its data crossed the link into the buffer. */
  private accept(rq: Request, now: number): void {
    (this.writeCache as WriteBackCache).add(rq.sector, rq.sectors);
    this.completeAt(rq, this.linkTransfer(now + this.params.command_overhead_ns, rq.bytes));
  }

  /** Positioning time (seek or head switch, then rotational wait) to reach lba from now on. */
  private positioning(cyl: number, surface: number, angle: number, from: number): { seekNs: number; waitNs: number } {
    const d = Math.abs(cyl - this.headCyl);
    const seekNs = d > 0 ? this.seek.seekNs(d) : surface !== this.headSurface ? this.params.head_switch_ns : 0;
    const T = this.geometry.rotationNs;
    let w = angle - this.angleAt(from + seekNs);
    if (w < 0) w += 1;
    let waitNs = w * T;
    // Exactly on time (a stream continuing) must not become a full turn by rounding.
    if (waitNs > T - 1) waitNs = 0;
    return { seekNs, waitNs };
  }

  /** Picks the mechanism's next job: room for waiting writers, host commands, then destage. */
  private startNext(): void {
    const wc = this.writeCache;
    if (wc !== null && !wc.isEmpty && (this.waitingWrites.length > 0 || this.pending.length === 0)) {
      this.destage(wc);
      return;
    }
    if (this.pending.length === 0) return;
    const now = this.sim.now;
    let pick = 0;
    if (this.params.scheduling === 'sptf' && this.pending.length > 1) {
      let best = Infinity;
      for (let i = 0; i < this.pending.length; i++) {
        const c = this.estimate(this.pending[i], now);
        if (c < best) {
          best = c;
          pick = i;
        }
      }
    }
    const rq = this.pending.splice(pick, 1)[0];
    this.serve(rq, now);
  }

  private estimate(rq: Request, now: number): number {
    if (rq.op === 'read') {
      const t = this.readCache.continueAt(rq.sector, rq.end, now);
      if (t === t) return 0;
    }
    const g = this.geometry;
    const loc = g.locate(rq.sector);
    const start = this.commandReady(rq, now);
    const { seekNs, waitNs } = this.positioning(loc.cyl, loc.head, g.angleOf(loc), start);
    return start - now + seekNs + waitNs;
  }

  /**
   * When the mechanism can start on rq: the firmware decodes a command when it arrives, so a
   * command that waited in the queue is ready at once; one arriving at an idle drive pays the
   * overhead before the arm moves.
   */
  private commandReady(rq: Request, now: number): number {
    return Math.max(now, rq.tIssue + this.params.command_overhead_ns);
  }

  private serve(rq: Request, now: number): void {
    const g = this.geometry;
    let end: number;
    if (rq.op === 'read') {
      const streamed = this.readCache.continueAt(rq.sector, rq.end, now);
      if (streamed === streamed) {
        // The head is reading this very stream: no seek, no wait.
        this.stats.streamed++;
        end = Math.max(this.commandReady(rq, now), streamed);
        this.moveHead(rq.end - 1);
        this.readCache.startStream(rq.sector, rq.end, end, g.nsPerSector(g.zoneIndexOf(rq.sector)));
        this.begin({ kind: 'host', rq }, end);
        return;
      }
    }
    this.readCache.freeze(now);
    end = this.access(rq.sector, rq.sectors, this.commandReady(rq, now), rq.op === 'read' ? 'read' : 'write');
    if (rq.op === 'read') {
      this.readCache.startStream(rq.sector, rq.end, end, g.nsPerSector(g.zoneIndexOf(rq.sector)));
      // Data goes to the host while it comes off the platter: the link adds only if slower.
      end = Math.max(end, this.linkTransfer(end - g.transferNs(rq.sector, rq.sectors), rq.bytes));
    }
    this.begin({ kind: 'host', rq }, end);
  }

  /** A media access of [lba, lba + sectors) starting at `start`; returns when it ends. */
  private access(lba: number, sectors: number, start: number, kind: HeadMove['kind']): number {
    const g = this.geometry;
    const loc = g.locate(lba);
    const d = Math.abs(loc.cyl - this.headCyl);
    const { seekNs, waitNs } = this.positioning(loc.cyl, loc.head, g.angleOf(loc), start);
    const xfer = g.transferNs(lba, sectors);
    const s = this.stats;
    s.mediaOps++;
    if (d > 0) {
      s.seeks++;
      s.seekCylinders += d;
    }
    s.seekNs += seekNs;
    s.rotationNs += waitNs;
    s.transferNs += xfer;
    if (this.trace !== null) this.record({ time: start, lba, cylinder: loc.cyl, seekCylinders: d, kind });
    this.moveHead(lba + sectors - 1);
    return start + seekNs + waitNs + xfer;
  }

  private moveHead(lastLba: number): void {
    const loc = this.geometry.locate(lastLba);
    this.headCyl = loc.cyl;
    this.headSurface = loc.head;
  }

  private destage(wc: WriteBackCache): void {
    const now = this.sim.now;
    const best = wc.cheapest(this.headCyl, now, this.destageCost) as DirtyExtent;
    this.readCache.freeze(now);
    const { start, sectors } = wc.take(best, this.params.destage_max_kib * 2);
    this.stats.destages++;
    const end = this.access(start, sectors, now, 'destage');
    this.begin({ kind: 'destage', sectors }, end);
  }

  /**
   * The destage search's cost, created once (not a closure per destage): positioning
   * estimate from the extent's cached decode (a head switch on the same cylinder is costed
   * as no seek). An extent whose seek alone reaches the best cost so far cannot win: its
   * rotational wait is not computed.
   */
  private readonly destageCost: DestageCost = {
    cost: (ext: DirtyExtent, now: number, bound: number): number => {
      const T = this.geometry.rotationNs;
      const seekNs = this.seek.seekNs(Math.abs(ext.cyl - this.headCyl));
      if (seekNs >= bound) return seekNs;
      let w = ext.angle - this.angleAt(now + seekNs);
      if (w < 0) w += 1;
      return w * T > T - 1 ? seekNs : seekNs + w * T;
    },
    seekLowerBound: (d: number): number => this.seek.seekNs(d),
  };

  private begin(op: Op, end: number): void {
    this.op = op;
    this.sim.schedule(this.mechanism, end - this.sim.now);
  }

  private finishOp(): void {
    const op = this.op as NonNullable<Op>;
    this.op = null;
    const now = this.sim.now;
    if (op.kind === 'host') {
      this.complete(op.rq);
    } else {
      const wc = this.writeCache as WriteBackCache;
      wc.cleaned(op.sectors);
      while (this.waitingWrites.length > 0 && wc.hasRoom((this.waitingWrites.peek() as Request).sectors)) {
        this.accept(this.waitingWrites.shift() as Request, now);
      }
      if (wc.isEmpty) for (const f of this.flushWaiters.splice(0)) this.completeAt(f, now + this.params.command_overhead_ns);
    }
    this.startNext();
  }

  private record(m: HeadMove): void {
    const t = this.trace as { ring: HeadMove[]; capacity: number; next: number };
    if (t.ring.length < t.capacity) t.ring.push(m);
    else t.ring[t.next] = m;
    t.next = (t.next + 1) % t.capacity;
  }

  deviceStats(): Record<string, number> {
    return { ...this.stats, cylinders: this.geometry.cylinders };
  }
}
