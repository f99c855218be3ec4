// Power cuts: what a device's volatile write cache loses. A write completes when the drive
// has it in its cache; it reaches the media (survives a cut) only once a flush issued after
// its completion completes (REQ_PREFLUSH, an empty flush), or at once when written REQ_FUA.
// A drive without a volatile cache (hdparm -W0: the driver says so) makes every completed
// write durable. A write still in flight at the cut is lost: the model does not tear
// writes, and a drive may not have started it.
//
// Between flushes a drive destages its cache in an order of its own (the head's, the
// flash's), so any subset of the cached writes may have reached the media when the power
// goes: at the cut each cached write is on the media with probability `destageProbability`
// (default 1/2), independently, from the named stream `power-cut`. That is what makes a
// missing flush visible: with the flush between a commit's blocks and its superblock, no
// subset breaks the metadata; without it, some subsets have the superblock without its blocks.
//
// Content is known per 4 KiB block through the bio payload fingerprints (bio-payload.ts):
// each block remembers the fingerprint of the last write that reached the media, so a layer
// above that gives its writes fingerprints (dm-bufio gives each metadata block version one,
// dm-dedup each data block its content's) can tell, after a cut, which version each block
// holds. A write without a payload holds unique content: it gets a token of its own
// (negative, so it never equals a workload's fingerprint).
//
//   const pc = new PowerCut(sim);               // before the devices are built
//   const dev = pc.wrap(createDevice(...));     // every physical device
//   ...run to the instant of the cut...
//   const losses = pc.cut();                    // per device: cached, lost, in flight
//   dev.durableToken(sector)                    // what a re-open reads there
//   pc.probe((losses) => check())               // or: a cut at this instant, the run going on
import type { ProcessGenerator, Simulation } from '../sim/index.js';
import type { RandomStream } from '../sim/rng.js';
import { REQ_FUA, REQ_PREFLUSH, type Bio, type BioPayload } from './bio.js';
import { CONTENT_BLOCK_SECTORS, payloadFingerprint } from './bio-payload.js';
import type { BlockDevice, DiskStats } from './device.js';

/** A completed write still in the drive's volatile cache. */
interface VolatileWrite {
  seq: number;
  block: number;
  n: number;
  payload: BioPayload | null;
  payloadBlock: number;
  /** First token of a write without payload. */
  uniq: number;
  sectors: number;
}

/** What a cut lost on one device. */
export interface DeviceLoss {
  device: string;
  /** Whether the drive has a volatile write cache at all. */
  volatileCache: boolean;
  /** Writes completed to the host but not yet flushed: in the drive's cache. */
  cachedWrites: number;
  /** Of those, the ones the drive had not destaged: lost. */
  lostWrites: number;
  /** 4 KiB blocks those writes covered. */
  lostBlocks: number;
  /** Writes submitted and not completed at the cut. */
  inFlightWrites: number;
  /** Flushes in flight at the cut (what they would have made durable is lost). */
  inFlightFlushes: number;
}

/**
 * A physical device seen through its volatile write cache: passes every bio on and keeps,
 * per 4 KiB block, the token of the content on the media and the completed writes not yet
 * flushed.
 */
export class VolatileWriteCache implements BlockDevice {
  readonly name: string;
  readonly sizeSectors: number;
  readonly logicalBlockSize: number;
  /** 4 KiB block -> token of the content on the media. */
  private readonly durable = new Map<number, number>();
  /** 4 KiB block -> completion sequence number of that content (a FUA write can overtake older cached ones). */
  private readonly durableSeq = new Map<number, number>();
  /** 4 KiB block -> completion sequence number of the last write the host saw complete (what a file system believes is there). */
  private readonly lastCompleted = new Map<number, number>();
  private volatile: VolatileWrite[] = [];
  private volatileHead = 0;
  private completed = 0;
  private nextUniq = 1;
  private readonly inFlight = new Set<Bio>();
  private flushesInFlight = 0;
  /** The cut happened: nothing reaches the media any more. */
  private dead = false;
  /** Cached writes the drive had destaged when the power went (set by cut() or a probe). */
  private destaged: Map<number, number> | null = null;
  /** Completion sequence numbers of the destaged content. */
  private destagedSeq: Map<number, number> | null = null;

  constructor(
    readonly inner: BlockDevice,
    /** false: write-through (no volatile cache), every completed write is durable. */
    readonly hasVolatileCache: boolean,
  ) {
    this.name = inner.name;
    this.sizeSectors = inner.sizeSectors;
    this.logicalBlockSize = inner.logicalBlockSize;
  }

  *submit(bio: Bio): ProcessGenerator<void> {
    const isFlush = bio.op === 'flush' || (bio.flags & REQ_PREFLUSH) !== 0;
    const isWrite = bio.op === 'write' || bio.op === 'write-zeroes';
    if (!isFlush && !isWrite) return yield* this.inner.submit(bio);
    // A flush covers what completed before it was issued.
    const flushSeq = isFlush ? this.completed : -1;
    if (isFlush) this.flushesInFlight++;
    if (isWrite) this.inFlight.add(bio);
    const owner = bio.endIo;
    bio.endIo = (b) => {
      this.completedIo(b, isFlush, isWrite, flushSeq);
      if (owner !== null) owner(b);
    };
    yield* this.inner.submit(bio);
  }

  private completedIo(b: Bio, isFlush: boolean, isWrite: boolean, flushSeq: number): void {
    if (isFlush) this.flushesInFlight--;
    if (isWrite) this.inFlight.delete(b);
    if (this.dead || b.status !== null) return;
    if (isFlush) this.drain(flushSeq);
    if (!isWrite || b.sectors === 0) return;
    const w: VolatileWrite = {
      seq: ++this.completed,
      block: Math.floor(b.sector / CONTENT_BLOCK_SECTORS),
      n: Math.max(1, Math.ceil((b.sector + b.sectors) / CONTENT_BLOCK_SECTORS) - Math.floor(b.sector / CONTENT_BLOCK_SECTORS)),
      payload: b.payload,
      payloadBlock: b.payloadBlock,
      uniq: 0,
      sectors: b.sectors,
    };
    for (let i = 0; i < w.n; i++) this.lastCompleted.set(w.block + i, w.seq);
    if (w.payload === null) {
      w.uniq = this.nextUniq;
      this.nextUniq += w.n;
    }
    if (!this.hasVolatileCache || (b.flags & REQ_FUA) !== 0) this.apply(w);
    else this.volatile.push(w);
  }

  /** The flush issued when `upTo` writes had completed has completed: they are on the media. */
  private drain(upTo: number): void {
    const v = this.volatile;
    while (this.volatileHead < v.length && v[this.volatileHead].seq <= upTo) this.apply(v[this.volatileHead++]);
    if (this.volatileHead > 1024 && this.volatileHead * 2 > v.length) {
      this.volatile = v.slice(this.volatileHead);
      this.volatileHead = 0;
    }
  }

  private apply(w: VolatileWrite): void {
    for (let i = 0; i < w.n; i++) {
      const blk = w.block + i;
      const s = this.durableSeq.get(blk);
      if (s !== undefined && s > w.seq) continue; // a later FUA write is already there
      this.durableSeq.set(blk, w.seq);
      this.durable.set(blk, tokenOf(w, i));
    }
  }

  /** The token of the content of the 4 KiB block holding `sector` on the media, or undefined (never written). */
  durableToken(sector: number): number | undefined {
    const blk = Math.floor(sector / CONTENT_BLOCK_SECTORS);
    if (this.destaged !== null) {
      const t = this.destaged.get(blk);
      if (t !== undefined) return t;
    }
    return this.durable.get(blk);
  }

  /**
   * The completion sequence number of the last write to the 4 KiB block holding `sector` that
   * completed to the host (0: none since the model started). A layer that records it after its
   * write completes can ask later whether that write, or a later one, reached the media.
   */
  completedSeq(sector: number): number {
    return this.lastCompleted.get(Math.floor(sector / CONTENT_BLOCK_SECTORS)) ?? 0;
  }

  /** The completion sequence number of the content on the media at `sector` (0: never written). */
  durableSeqAt(sector: number): number {
    const blk = Math.floor(sector / CONTENT_BLOCK_SECTORS);
    if (this.destagedSeq !== null) {
      const s = this.destagedSeq.get(blk);
      if (s !== undefined) return s;
    }
    return this.durableSeq.get(blk) ?? 0;
  }

  /** Whether the write that completed as `seq` (or a later one) to the block holding `sector` is on the media. */
  reached(sector: number, seq: number): boolean {
    return this.durableSeqAt(sector) >= seq;
  }

  /** Whether a write to the block holding `sector` was in flight (submitted, not completed) at the cut. */
  inFlightAt(sector: number): boolean {
    const blk = Math.floor(sector / CONTENT_BLOCK_SECTORS);
    for (const b of this.inFlight) {
      const s = Math.floor(b.sector / CONTENT_BLOCK_SECTORS);
      if (b.sectors > 0 && blk >= s && blk < Math.ceil((b.sector + b.sectors) / CONTENT_BLOCK_SECTORS)) return true;
    }
    return false;
  }

  /**
   * The power goes now: each cached write reached the media with probability `p` (drawn from
   * `rng`), the rest and what was in flight are lost. With `permanent`, nothing reaches the
   * media from now on; otherwise `restore()` undoes the cut (a probe: what a cut at this
   * instant would leave, the run going on).
   */
  cut(rng: RandomStream, p: number, permanent: boolean): DeviceLoss {
    const destaged = new Map<number, number>();
    const destagedSeq = new Map<number, number>();
    let lostWrites = 0;
    let lostBlocks = 0;
    const v = this.volatile;
    for (let k = this.volatileHead; k < v.length; k++) {
      const w = v[k];
      if (rng.random() < p) {
        for (let i = 0; i < w.n; i++) {
          const s = this.durableSeq.get(w.block + i);
          if (s === undefined || s < w.seq) {
            destaged.set(w.block + i, tokenOf(w, i));
            destagedSeq.set(w.block + i, w.seq);
          }
        }
      } else {
        lostWrites++;
        lostBlocks += w.n;
      }
    }
    this.destaged = destaged;
    this.destagedSeq = destagedSeq;
    if (permanent) this.dead = true;
    let inFlightWrites = 0;
    for (const b of this.inFlight) if (b.sectors > 0) inFlightWrites++;
    return {
      device: this.name,
      volatileCache: this.hasVolatileCache,
      cachedWrites: v.length - this.volatileHead,
      lostWrites,
      lostBlocks,
      inFlightWrites,
      inFlightFlushes: this.flushesInFlight,
    };
  }

  /** Ends a probe (a cut that was not permanent). */
  restore(): void {
    if (this.dead) throw new Error(`${this.name}: the power was cut for good`);
    this.destaged = null;
    this.destagedSeq = null;
  }

  diskStats(): DiskStats | null {
    return this.inner.diskStats();
  }
}

function tokenOf(w: VolatileWrite, i: number): number {
  const p = w.payload;
  if (p === null) return -(w.uniq + i);
  // A listed payload always names its blocks (a trace line carries one digest per block).
  return payloadFingerprint(p, w.payloadBlock + i) ?? -(w.uniq + i);
}

/** The devices of one simulation seen through their caches, and the cut itself. */
export class PowerCut {
  readonly devices: VolatileWriteCache[] = [];
  /** Simulated ns of the cut, NaN before. */
  at = NaN;
  private readonly rng: RandomStream;

  constructor(
    readonly sim: Simulation,
    /** Probability that a cached (completed, unflushed) write had reached the media at the cut. */
    readonly destageProbability = 0.5,
  ) {
    this.rng = sim.rng('power-cut');
  }

  /**
   * Puts `dev` behind a volatile write cache. Whether it has one is the driver's
   * `volatileWriteCache` (a drive with its cache turned off has none); default: it has.
   */
  wrap<D extends BlockDevice>(dev: D): VolatileWriteCache {
    const driver = (dev as { driver?: { volatileWriteCache?: boolean } }).driver;
    const c = new VolatileWriteCache(dev, driver?.volatileWriteCache ?? true);
    this.devices.push(c);
    return c;
  }

  /** Cuts the power of every device now, for good. */
  cut(): DeviceLoss[] {
    this.at = this.sim.now;
    return this.devices.map((d) => d.cut(this.rng, this.destageProbability, true));
  }

  /**
   * What a cut now would leave: `look` sees the devices as a re-open after the cut would
   * (durableToken, the bufio media's durableView), then the run goes on as if nothing happened.
   */
  probe<R>(look: (losses: DeviceLoss[]) => R): R {
    const losses = this.devices.map((d) => d.cut(this.rng, this.destageProbability, false));
    try {
      return look(losses);
    } finally {
      for (const d of this.devices) d.restore();
    }
  }
}

/** Where a device's sectors lie on a physical device's media. */
export interface MediaLocation {
  cache: VolatileWriteCache;
  /** Sector 0 of the device is this sector of the physical one. */
  offsetSectors: number;
}

/**
 * The cache holding `dev`'s media and where `dev` starts on it, or null when no power-cut
 * model is in use. Followed through wrappers that keep the device they wrap as `inner` (the
 * block tracer) and through single linear mappings (`linearMapping()`: an LVM volume).
 */
export function mediaOf(dev: BlockDevice): MediaLocation | null {
  let offset = 0;
  let d: BlockDevice | undefined = dev;
  while (d !== undefined) {
    if (d instanceof VolatileWriteCache) return { cache: d, offsetSectors: offset };
    const lin: { dev: BlockDevice; offsetSectors: number } | null = (d as { linearMapping?(): { dev: BlockDevice; offsetSectors: number } | null }).linearMapping?.() ?? null;
    if (lin !== null) {
      offset += lin.offsetSectors;
      d = lin.dev;
    } else d = (d as { inner?: BlockDevice }).inner;
  }
  return null;
}
