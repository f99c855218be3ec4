// Where a job's next I/O goes, per direction, as fio's get_next_offset() decides it:
// - sequential: from the region's start, one block after another, wrapping at its end
//   (each direction keeps its own position, like fio's last_pos[ddir]);
// - random, uniform: fio's default random map (norandommap=0): every block of the region is
//   hit once per pass; a drawn block already done is replaced by the next free one after it
//   (axmap_next_free), and the map is cleared when the pass is complete;
// - zipf:theta and pareto:h: fio's skewed distributions over the region's blocks, with ranks
//   scattered over the region by a hash as fio's lib/zipf.c does, so hot blocks are not all
//   adjacent. No random map with these (it would flatten the skew).
// - zoned / zoned_abs: a zone is drawn by its share of the accesses, then a block in it, with
//   a random map per zone unless norandommap (fio's __get_next_rand_offset_zoned);
// - sequence:i,j,k: those block indices over and over; with random_sequence_stride the
//   group of blocks moves on by the sequence's length after each cycle.
// - random on a region of more than MAX_RANDOM_MAP_BLOCKS blocks (100 TB at bs=512): no map,
//   as with fio's norandommap=1 (fio itself fails to allocate such a map and suggests
//   norandommap): uniform draws over the whole region, a block may come twice in a pass.
import { ZipfDistribution, type RandomStream } from '../../sim/index.js';
import type { AccessZone, RandomDistribution } from './options.js';

/** Above this many blocks the zipf CDF is built over buckets of blocks (8 MiB at most). */
const ZIPF_MAX_RANKS = 1 << 20;

/** numjobs clones share one CDF per (ranks, theta): it is immutable once built. */
const zipfCache = new Map<string, ZipfDistribution>();

function zipfOf(ranks: number, theta: number): ZipfDistribution {
  const key = `${ranks}:${theta}`;
  let z = zipfCache.get(key);
  if (z === undefined) {
    if (zipfCache.size >= 8) zipfCache.clear();
    z = new ZipfDistribution(ranks, theta);
    zipfCache.set(key, z);
  }
  return z;
}

export interface OffsetGenerator {
  /** Byte offset of the next I/O in the region, relative to the region's start. */
  next(): number;
}

export class SequentialOffsets implements OffsetGenerator {
  private pos = 0;
  constructor(
    private readonly regionBytes: number,
    private readonly bs: number,
  ) {}
  next(): number {
    if (this.pos + this.bs > this.regionBytes) this.pos = 0;
    const at = this.pos;
    this.pos += this.bs;
    return at;
  }
}

/**
 * Largest region the random map covers: 2^31 blocks (8 TiB at 4 KiB, 1 TiB at 512 bytes), a
 * 256 MiB bitmap per job; beyond it one typed array cannot hold the map (and fio itself fails
 * to allocate it and suggests norandommap).
 */
export const MAX_RANDOM_MAP_BLOCKS = 2 ** 31;

/** fio's norandommap=1: uniform over the region, with 53 random bits so every block of a huge region can come. */
export class UnmappedRandomOffsets implements OffsetGenerator {
  constructor(
    private readonly blocks: number,
    private readonly bs: number,
    private readonly rng: RandomStream,
  ) {}
  next(): number {
    // A stream's random() has 32 bits; 21 more from a second draw (as alea's double() does).
    const u = this.rng.random() + Math.floor(this.rng.random() * 0x200000) * 2 ** -53;
    return Math.floor(u * this.blocks) * this.bs;
  }
}

/**
 * Slots of the hash set that stands in for the random map while few blocks are done (a power
 * of two; 256 KiB). A bitmap of a large region is megabytes that a handful of random I/Os
 * touch page by page, and each first touch is a page fault (tens of microseconds on a loaded
 * machine): the set keeps those first draws in one small table, and the bitmap is built when
 * the set is half full. Which blocks are done, and so every offset, is the same either way.
 */
const SPARSE_BITS = 16;
const SPARSE_SLOTS = 1 << SPARSE_BITS;

export class RandomMapOffsets implements OffsetGenerator {
  /** The bitmap (fio's axmap level 0), null while the sparse set holds the done blocks. */
  private map: Uint32Array | null = null;
  /** Open-addressing set of done blocks + 1 (0: empty slot), or null once the bitmap is in use. */
  private sparse: Uint32Array | null = null;
  private used = 0;
  constructor(
    private readonly blocks: number,
    private readonly bs: number,
    private readonly rng: RandomStream,
  ) {
    // A map no bigger than the set is used from the start.
    if (Math.ceil(blocks / 32) <= SPARSE_SLOTS) this.map = new Uint32Array(Math.ceil(blocks / 32));
    else this.sparse = new Uint32Array(SPARSE_SLOTS);
  }
  next(): number {
    if (this.used === this.blocks) {
      (this.map as Uint32Array).fill(0);
      this.used = 0;
    }
    let b = Math.floor(this.rng.random() * this.blocks);
    const map = this.map;
    if (map !== null) {
      if (this.isSet(map, b)) b = this.nextFree(map, b);
      map[b >>> 5] |= 1 << (b & 31);
    } else {
      const sparse = this.sparse as Uint32Array;
      // axmap_next_free over the set: the blocks after b in turn, wrapping at the end.
      while (sparseHas(sparse, b)) if (++b === this.blocks) b = 0;
      sparseAdd(sparse, b);
      if (this.used + 1 >= SPARSE_SLOTS / 2) this.toBitmap(sparse);
    }
    this.used++;
    return b * this.bs;
  }
  private toBitmap(sparse: Uint32Array): void {
    const map = new Uint32Array(Math.ceil(this.blocks / 32));
    for (let i = 0; i < sparse.length; i++) {
      const v = sparse[i];
      if (v !== 0) map[(v - 1) >>> 5] |= 1 << ((v - 1) & 31);
    }
    this.map = map;
    this.sparse = null;
  }
  private isSet(map: Uint32Array, b: number): boolean {
    return (map[b >>> 5] & (1 << (b & 31))) !== 0;
  }
  /** The first free block after b, wrapping around (there is one: the pass is not complete). */
  private nextFree(map: Uint32Array, b: number): number {
    const words = map.length;
    let w = b >>> 5;
    for (let n = 0; n <= words; n++, w = (w + 1) % words) {
      const word = map[w];
      if (word === 0xffffffff) continue;
      for (let bit = 0; bit < 32; bit++) {
        const cand = w * 32 + bit;
        if (cand >= this.blocks) break;
        if ((word & (1 << bit)) === 0 && (n > 0 || cand > b)) return cand;
      }
    }
    throw new Error('random map: no free block although the pass is not complete');
  }
}

/** The set's home slot for block b (Fibonacci hashing on the top bits). */
function sparseSlot(b: number): number {
  return Math.imul(b, 0x9e3779b1) >>> (32 - SPARSE_BITS);
}

function sparseHas(set: Uint32Array, b: number): boolean {
  const key = b + 1;
  for (let i = sparseSlot(b); ; i = (i + 1) & (SPARSE_SLOTS - 1)) {
    const v = set[i];
    if (v === key) return true;
    if (v === 0) return false;
  }
}

function sparseAdd(set: Uint32Array, b: number): void {
  let i = sparseSlot(b);
  while (set[i] !== 0) i = (i + 1) & (SPARSE_SLOTS - 1);
  set[i] = b + 1;
}

/** A 32-bit integer hash (lowbias32), fio's __hash_u64 in spirit. */
function hash32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

export class SkewedOffsets implements OffsetGenerator {
  private readonly zipf: ZipfDistribution | null;
  private readonly ranks: number;
  private readonly paretoPow: number;
  /** fio's rand_off: a random rotation of the hashed ranks, fixed per job. */
  private readonly rotate: number;
  constructor(
    private readonly blocks: number,
    private readonly bs: number,
    private readonly rng: RandomStream,
    dist: Extract<RandomDistribution, { kind: 'zipf' | 'pareto' }>,
  ) {
    this.ranks = Math.min(blocks, ZIPF_MAX_RANKS);
    this.zipf = dist.kind === 'zipf' ? zipfOf(this.ranks, dist.theta) : null;
    // lib/zipf.c: pareto_pow = log(h) / log(1 - h); rank = n * u^pareto_pow.
    this.paretoPow = dist.kind === 'pareto' ? Math.log(dist.h) / Math.log(1 - dist.h) : 0;
    this.rotate = rng.integer(0, blocks - 1);
  }
  next(): number {
    let rank: number; // 0-based, 0 is the hottest
    if (this.zipf !== null) rank = this.zipf.sample(this.rng) - 1;
    else rank = Math.floor((this.ranks - 1) * Math.pow(this.rng.random(), this.paretoPow));
    // Spread buckets of ranks over the region when there are more blocks than ranks.
    let block = (hash32(rank) + this.rotate) % this.blocks;
    if (this.ranks < this.blocks) {
      const per = Math.floor(this.blocks / this.ranks);
      block = ((hash32(rank) % this.ranks) * per + this.rng.integer(0, per - 1) + this.rotate) % this.blocks;
    }
    return block * this.bs;
  }
}

export class ZonedOffsets implements OffsetGenerator {
  private readonly cumulative: number[] = [];
  private readonly starts: number[] = [];
  private readonly inner: OffsetGenerator[] = [];
  constructor(
    blocks: number,
    private readonly bs: number,
    private readonly rng: RandomStream,
    zones: AccessZone[],
    absolute: boolean,
    mapped: boolean,
  ) {
    let access = 0;
    let start = 0;
    for (const z of zones) {
      const n = Math.max(1, Math.min(blocks - start, Math.floor(absolute ? z.size / bs : (blocks * z.size) / 100)));
      if (start >= blocks) break; // zones beyond the region get nothing (fio trims them too)
      access += z.access;
      this.cumulative.push(access);
      this.starts.push(start);
      this.inner.push(mapped && n <= MAX_RANDOM_MAP_BLOCKS ? new RandomMapOffsets(n, bs, rng) : new UnmappedRandomOffsets(n, bs, rng));
      start += n;
    }
  }
  next(): number {
    const r = this.rng.random() * this.cumulative[this.cumulative.length - 1];
    let i = 0;
    while (i < this.cumulative.length - 1 && r >= this.cumulative[i]) i++;
    return this.starts[i] * this.bs + this.inner[i].next();
  }
}

export class SequenceOffsets implements OffsetGenerator {
  private i = 0;
  private group = 0;
  constructor(
    private readonly blocks: number,
    private readonly bs: number,
    private readonly indices: number[],
    private readonly stride: boolean,
  ) {}
  next(): number {
    const b = (this.group + this.indices[this.i]) % this.blocks;
    if (++this.i === this.indices.length) {
      this.i = 0;
      if (this.stride) this.group = (this.group + this.indices.length) % this.blocks;
    }
    return b * this.bs;
  }
}
