// One direction's next offset and block size, as fio's get_next_offset() and
// get_next_buflen() (io_u.c) decide them, over the generators of offsets.ts:
// - block size: bs, or bssplit (a size drawn by its share), or bsrange (fio's minbs + maxbs * u
//   rounded down to a multiple of minbs and capped at maxbs);
// - random offsets are drawn in units of blockalign (default: the smallest block size) over
//   the area, and an I/O that would pass the area's end starts earlier to fit;
// - rw=...:N for a random job draws a new offset every N I/Os, the others following the last
//   (rw_sequencer=sequential) or repeating it (identical); percentage_random draws random or
//   sequential per I/O;
// - sequential: from the last position, with the rw=read:+-N hole added (fio's ddir_seq_add:
//   not before the first I/O, a negative one wrapping to the end, so read:-8k at bs=4k reads
//   backwards), wrapping to the start at the area's end;
// - zonemode=strided: the area is the current zone (zonerange bytes); after zonesize bytes of
//   I/O the zone moves on by zonerange + zoneskip, wrapping to the region's start
//   (setup_strided_zone_mode), the random map starting afresh.
import type { RandomStream } from '../../sim/index.js';
import { RandomMapOffsets, SequenceOffsets, SkewedOffsets, ZonedOffsets, UnmappedRandomOffsets, MAX_RANDOM_MAP_BLOCKS, type OffsetGenerator } from './offsets.js';
import type { JobOptions } from './options.js';

export class NextOffset {
  /** Smallest and largest block size of the direction. */
  readonly minBs: number;
  readonly maxBs: number;
  private readonly unit: number;
  private readonly areaBytes: number;
  private zoneStart = 0;
  private zoneBytes = 0;
  private lastPos = 0;
  private lastOffset = -1;
  private count = 0;
  private random: OffsetGenerator | null;
  private readonly split: { bs: number; percent: number }[] | null;
  private readonly range: [number, number] | null;
  // Options next() reads for every I/O, resolved once for this direction.
  private readonly strided: boolean;
  private readonly seqNr: number;
  private readonly percentRandom: number;
  private readonly fixedBs: number;

  constructor(
    private readonly o: JobOptions,
    private readonly d: number,
    private readonly regionBytes: number,
    private readonly rng: RandomStream,
    /** Told once when the random map is too large to keep. */
    private readonly warn: (message: string) => void,
  ) {
    this.split = o.bsSplit[d];
    this.range = o.bsRange[d];
    this.minBs = this.split !== null ? Math.min(...this.split.map((e) => e.bs)) : this.range !== null ? this.range[0] : o.bs[d];
    this.maxBs = this.split !== null ? Math.max(...this.split.map((e) => e.bs)) : this.range !== null ? this.range[1] : o.bs[d];
    this.unit = o.blockAlign[d] > 0 ? o.blockAlign[d] : this.minBs;
    this.areaBytes = o.zoneMode === 'strided' ? Math.min(o.zoneRange, regionBytes) : regionBytes;
    this.random = o.random ? this.newRandom() : null;
    this.strided = o.zoneMode === 'strided';
    this.seqNr = o.rwSeqNr;
    this.percentRandom = o.percentageRandom[d];
    this.fixedBs = o.bs[d];
  }

  /** Whether bs, blockalign and the generators keep to the plain fixed-size path (the byte-identical one). */
  get fixed(): boolean {
    return this.split === null && this.range === null;
  }

  private newRandom(): OffsetGenerator {
    const o = this.o;
    const blocks = Math.max(1, Math.floor(this.areaBytes / this.unit));
    const dist = o.randomDistribution;
    if (dist.kind === 'zoned') return new ZonedOffsets(blocks, this.unit, this.rng, dist.zones[this.d], dist.absolute, !o.norandommap);
    if (dist.kind === 'sequence') return new SequenceOffsets(blocks, this.unit, dist.indices, o.randomSequenceStride);
    if (dist.kind !== 'random') return new SkewedOffsets(blocks, this.unit, this.rng, dist);
    if (o.norandommap) return new UnmappedRandomOffsets(blocks, this.unit, this.rng);
    if (blocks <= MAX_RANDOM_MAP_BLOCKS) return new RandomMapOffsets(blocks, this.unit, this.rng);
    this.warn(
      `job ${o.name}: the random map of ${blocks} blocks is too large (more than ${MAX_RANDOM_MAP_BLOCKS}); offsets are drawn without it, as with fio's norandommap=1: a block can be hit twice before every block is`,
    );
    return new UnmappedRandomOffsets(blocks, this.unit, this.rng);
  }

  /** get_next_buflen: the next I/O's size. */
  buflen(): number {
    if (this.split !== null) {
      let r = this.rng.random() * 100;
      for (const e of this.split) {
        if (r < e.percent) return e.bs;
        r -= e.percent;
      }
      return this.split[this.split.length - 1].bs;
    }
    if (this.range !== null) {
      // fio: minbs + maxbs * u, rounded down to a multiple of minbs, capped at maxbs (so the
      // largest size is drawn more often than the others, as in fio).
      const [lo, hi] = this.range;
      let b = lo + Math.floor(hi * this.rng.random());
      b -= b % lo;
      return Math.min(hi, b);
    }
    return this.fixedBs;
  }

  /** The next I/O's offset in the region, for an I/O of `bs` bytes. */
  next(bs: number): number {
    const o = this.o;
    if (this.strided && this.zoneBytes >= o.zoneSize) {
      this.zoneBytes = 0;
      this.zoneStart += o.zoneRange + o.zoneSkip;
      if (this.zoneStart >= this.regionBytes) this.zoneStart = 0;
      this.lastPos = 0;
      if (this.random !== null) this.random = this.newRandom();
    }
    const area = Math.min(this.areaBytes, this.regionBytes - this.zoneStart);
    let off: number;
    const n = this.count++;
    const random = this.random;
    const pr = this.percentRandom;
    // A draw of the percentage only when it is below 100 (the rng is touched as before).
    const useRandom = random !== null && (this.seqNr === 1 || n % this.seqNr === 0) && (pr >= 100 || this.rng.integer(1, 100) <= pr);
    if (useRandom) {
      off = random.next();
      if (off + bs > area) off = Math.max(0, area - bs - ((area - bs) % this.unit));
    } else if (this.random !== null && o.rwSequencer === 'identical' && this.lastOffset >= 0 && o.rwSeqNr > 1) {
      off = this.lastOffset;
    } else {
      off = this.lastPos;
      if (off !== 0 && o.rwSeqAdd !== 0) {
        off += o.rwSeqAdd;
        if (off < 0 || off >= area) off = o.rwSeqAdd > 0 ? 0 : area + o.rwSeqAdd;
      }
      if (off < 0 || off + bs > area) off = 0;
    }
    this.lastPos = off + bs;
    this.lastOffset = off;
    this.zoneBytes += bs;
    return this.zoneStart + off;
  }
}
