// The drive's on-board cache: read segments filled by read-ahead, and a write-back buffer
// of dirty extents.
//
// Read-ahead: after a media read the head keeps reading the following sectors into the
// segment while the mechanism has nothing else to do, up to `readAheadSectors` past the
// request. So the data valid in the live segment grows with time at the zone's media rate;
// a sequential reader finds its next request already cached, or being read right now (no
// seek, no rotational wait). When the mechanism starts anything else the segment freezes and
// joins the least-recently-used list of `segments` static segments.
//
// Write-back: a write is acknowledged once its data is in the buffer; the buffer keeps dirty
// extents (a write that continues an extent extends it) with their decoded position, so the
// destage scheduler can pick the one cheapest to reach.
import type { HddGeometry } from './hdd-geometry.js';

interface Segment {
  start: number;
  end: number;
}

/** The live read-ahead stream: the head reached `lba` at `time` and reads on to `limit`. */
interface Stream {
  start: number;
  lba: number;
  time: number;
  limit: number;
  nsPerSector: number;
}

export class ReadCache {
  private readonly segments: Segment[] = [];
  private stream: Stream | null = null;

  constructor(
    private readonly maxSegments: number,
    private readonly readAheadSectors: number,
  ) {}

  /** Sectors valid in the live segment at time t. */
  private validEnd(s: Stream, t: number): number {
    if (t <= s.time) return s.lba;
    return Math.min(s.limit, s.lba + Math.floor((t - s.time) / s.nsPerSector));
  }

  /** Whether [start, end) is entirely cached at time t. */
  hit(start: number, end: number, t: number): boolean {
    const s = this.stream;
    if (s !== null && start >= s.start && end <= this.validEnd(s, t)) return true;
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const g = this.segments[i];
      if (start >= g.start && end <= g.end) {
        // LRU: move to the back.
        this.segments.splice(i, 1);
        this.segments.push(g);
        return true;
      }
    }
    return false;
  }

  /**
   * If the head is still reading ahead and `start` lies in what it has read or is reading,
   * the time at which sector `end` will have been read (the stream just continues); else NaN.
   */
  continueAt(start: number, end: number, t: number): number {
    const s = this.stream;
    if (s === null || start < s.start) return NaN;
    const valid = this.validEnd(s, t);
    if (start > valid || valid >= s.limit || end > s.limit + this.readAheadSectors) return NaN;
    return s.time + (end - s.lba) * s.nsPerSector;
  }

  /** The mechanism turns to other work at t: the live segment stops growing. */
  freeze(t: number): void {
    const s = this.stream;
    if (s === null) return;
    this.stream = null;
    this.segments.push({ start: s.start, end: this.validEnd(s, t) });
    if (this.segments.length > this.maxSegments) this.segments.shift();
  }

  /** A media read of [start, end) ended at `time`: read-ahead continues from there. */
  startStream(start: number, end: number, time: number, nsPerSector: number): void {
    const keep = this.stream !== null && this.stream.start <= start && start <= this.stream.limit ? this.stream.start : start;
    this.stream = { start: keep, lba: end, time, limit: end + this.readAheadSectors, nsPerSector };
  }
}

export interface DirtyExtent {
  start: number;
  end: number;
  cyl: number;
  angle: number;
  /** Cylinder bucket and index in it (swap-remove). */
  bucket: number;
  slot: number;
}

/** Cylinders per bucket of the destage index. */
const BUCKET_CYLS = 32;

export class WriteBackCache {
  /** Dirty extents indexed by cylinder band, so the cheapest one is found near the head. */
  private readonly buckets = new Map<number, DirtyExtent[]>();
  private readonly byEnd = new Map<number, DirtyExtent>();
  private count = 0;
  /** Dirty sectors held (including those being destaged). */
  sectors = 0;

  constructor(
    private readonly geometry: HddGeometry,
    /** Capacity in sectors. */
    readonly capacitySectors: number,
    /** Most extents the firmware tracks at once. */
    readonly maxExtents: number,
  ) {}

  get isEmpty(): boolean {
    return this.count === 0;
  }

  get extentCount(): number {
    return this.count;
  }

  hasRoom(sectors: number): boolean {
    return this.sectors + sectors <= this.capacitySectors && this.count < this.maxExtents;
  }

  add(start: number, sectors: number): void {
    this.sectors += sectors;
    const prev = this.byEnd.get(start);
    if (prev !== undefined) {
      this.byEnd.delete(prev.end);
      prev.end = start + sectors;
      this.byEnd.set(prev.end, prev);
      return;
    }
    const ext: DirtyExtent = { start, end: start + sectors, cyl: 0, angle: 0, bucket: 0, slot: 0 };
    this.place(ext);
    this.byEnd.set(ext.end, ext);
    this.count++;
  }

  /**
   * The extent with the least cost(ext) = seek + rotational wait, searching cylinder bands
   * outward from the head and stopping once even the seek to the next band costs more than
   * the best found (seekLowerBound(d) is the seek time for d cylinders).
   */
  cheapest(headCyl: number, cost: (ext: DirtyExtent) => number, seekLowerBound: (d: number) => number): DirtyExtent | null {
    let best: DirtyExtent | null = null;
    let bestCost = Infinity;
    const home = Math.floor(headCyl / BUCKET_CYLS);
    const scan = (b: number): void => {
      const list = this.buckets.get(b);
      if (list === undefined) return;
      for (const ext of list) {
        const c = cost(ext);
        if (c < bestCost) {
          bestCost = c;
          best = ext;
        }
      }
    };
    scan(home);
    const maxRing = Math.ceil(this.geometry.cylinders / BUCKET_CYLS) + 1;
    for (let r = 1; r <= maxRing; r++) {
      if (best !== null && seekLowerBound((r - 1) * BUCKET_CYLS + 1) >= bestCost) break;
      scan(home - r);
      scan(home + r);
    }
    return best;
  }

  /** Takes up to `max` sectors from the front of an extent for destaging. */
  take(ext: DirtyExtent, max: number): { start: number; sectors: number } {
    const start = ext.start;
    const sectors = Math.min(max, ext.end - ext.start);
    this.unplace(ext);
    if (sectors === ext.end - ext.start) {
      this.byEnd.delete(ext.end);
      this.count--;
    } else {
      ext.start += sectors;
      this.place(ext);
    }
    return { start, sectors };
  }

  /** Destaged data leaves the buffer. */
  cleaned(sectors: number): void {
    this.sectors -= sectors;
  }

  private place(ext: DirtyExtent): void {
    const loc = this.geometry.locate(ext.start);
    ext.cyl = loc.cyl;
    ext.angle = this.geometry.angleOf(loc);
    ext.bucket = Math.floor(loc.cyl / BUCKET_CYLS);
    let list = this.buckets.get(ext.bucket);
    if (list === undefined) this.buckets.set(ext.bucket, (list = []));
    ext.slot = list.length;
    list.push(ext);
  }

  private unplace(ext: DirtyExtent): void {
    const list = this.buckets.get(ext.bucket) as DirtyExtent[];
    const last = list.pop() as DirtyExtent;
    if (last !== ext) {
      list[ext.slot] = last;
      last.slot = ext.slot;
    }
    if (list.length === 0) this.buckets.delete(ext.bucket);
  }
}
