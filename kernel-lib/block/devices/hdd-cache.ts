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
import { NumberMap } from '../../sim/number-map.js';

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

/** What the destage search asks of the drive. */
export interface DestageCost {
  /**
   * Positioning time (seek + rotational wait) to reach the extent from the head at `now`; may
   * return any value >= `bound` instead when the cost is at least `bound`.
   */
  cost(ext: DirtyExtent, now: number, bound: number): number;
  /** A lower bound of cost() for any extent `d` cylinders away (the seek time). */
  seekLowerBound(d: number): number;
}

export class WriteBackCache {
  /**
   * Dirty extents indexed by cylinder band, so the cheapest one is found near the head: one
   * list per bucket (null until first used; an emptied list is kept), and a bitmap of the
   * non-empty buckets so the search jumps over empty bands instead of probing each one.
   */
  private readonly buckets: (DirtyExtent[] | null)[];
  private readonly occupied: Uint32Array;
  /** Extents by end sector, for the back merge of a sequential write (a Map would reallocate as it empties). */
  private readonly byEnd = new NumberMap<DirtyExtent>();
  private count = 0;
  /** Dirty sectors held (including those being destaged). */
  sectors = 0;

  constructor(
    private readonly geometry: HddGeometry,
    /** Capacity in sectors. */
    readonly capacitySectors: number,
    /** Most extents the firmware tracks at once. */
    readonly maxExtents: number,
  ) {
    const n = Math.ceil(geometry.cylinders / BUCKET_CYLS);
    this.buckets = new Array<DirtyExtent[] | null>(n).fill(null);
    this.occupied = new Uint32Array((n + 31) >>> 5);
  }

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
   * outward from the head (ring r: the band r below, then the band r above; in a band, in
   * list order; the first of equal costs wins) and stopping once even the seek to the next
   * band costs more than the best found. Empty bands are skipped: that changes nothing, as
   * they hold nothing and the stopping bound only grows with the distance.
   */
  cheapest(headCyl: number, now: number, c: DestageCost): DirtyExtent | null {
    const buckets = this.buckets;
    const n = buckets.length;
    const home = Math.floor(headCyl / BUCKET_CYLS);
    const maxRing = Math.ceil(this.geometry.cylinders / BUCKET_CYLS) + 1;
    let best: DirtyExtent | null = null;
    let bestCost = Infinity;
    // Written out rather than with a scan closure: this runs once per destage.
    // lo / hi: the nearest non-empty bucket below / above the rings scanned (-1 / n: none).
    let lo = home;
    let hi = home;
    for (let r = 0; ; ) {
      for (let side = r === 0 ? 1 : 0; side < 2; side++) {
        const b = side === 0 ? home - r : home + r;
        const list = b >= 0 && b < n ? buckets[b] : null;
        if (list === null) continue;
        for (let i = 0; i < list.length; i++) {
          const ext = list[i];
          const cost = c.cost(ext, now, bestCost);
          if (cost < bestCost) {
            bestCost = cost;
            best = ext;
          }
        }
      }
      if (lo === home - r) lo = this.prevOccupied(home - r - 1);
      if (hi === home + r) hi = this.nextOccupied(home + r + 1);
      r = Math.min(lo >= 0 ? home - lo : Infinity, hi < n ? hi - home : Infinity);
      if (r > maxRing) break;
      if (best !== null && c.seekLowerBound((r - 1) * BUCKET_CYLS + 1) >= bestCost) break;
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
    const b = (ext.bucket = Math.floor(loc.cyl / BUCKET_CYLS));
    let list = this.buckets[b];
    if (list === null) this.buckets[b] = list = [];
    if (list.length === 0) this.occupied[b >>> 5] |= 1 << (b & 31);
    ext.slot = list.length;
    list.push(ext);
  }

  private unplace(ext: DirtyExtent): void {
    const b = ext.bucket;
    const list = this.buckets[b] as DirtyExtent[];
    const last = list.pop() as DirtyExtent;
    if (last !== ext) {
      list[ext.slot] = last;
      last.slot = ext.slot;
    }
    if (list.length === 0) this.occupied[b >>> 5] &= ~(1 << (b & 31));
  }

  /** The first non-empty bucket at or after b (b >= 0), or the bucket count if none. */
  private nextOccupied(b: number): number {
    const occ = this.occupied;
    const none = this.buckets.length;
    let w = b >>> 5;
    if (w >= occ.length) return none;
    let bits = occ[w] & (~0 << (b & 31));
    while (bits === 0) {
      if (++w >= occ.length) return none;
      bits = occ[w];
    }
    return (w << 5) + 31 - Math.clz32(bits & -bits);
  }

  /** The last non-empty bucket at or before b, or -1. */
  private prevOccupied(b: number): number {
    const occ = this.occupied;
    if (b < 0) return -1;
    let w = b >>> 5;
    if (w >= occ.length) {
      w = occ.length - 1;
      b = (w << 5) + 31;
    }
    let bits = occ[w] & (0xffffffff >>> (31 - (b & 31)));
    while (bits === 0) {
      if (--w < 0) return -1;
      bits = occ[w];
    }
    return (w << 5) + 31 - Math.clz32(bits);
  }
}
