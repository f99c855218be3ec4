// What a metadata device holds, block by block, as the layers above keep block content (an
// object per block rather than bytes): a bufio write puts a copy of the buffer here when it
// completes, a bufio read takes a copy from here. Blocks never written read as undefined
// (zeroes).
//
// Under a power-cut model (block/power-cut.ts) a completed write may still sit in the drive's
// volatile cache: each write then carries a version token as its bio payload fingerprint,
// and the media keeps, per block, the versions written since the one the drive reports on
// the media, so that `durableView()` can say what a re-open after a cut would read.
import type { VolatileWriteCache } from '../../block/power-cut.js';

interface Versions<T> {
  tokens: number[];
  datas: (T | undefined)[];
}

export class BlockMedia<T> {
  private readonly blocks = new Map<number, T>();
  writes = 0;
  reads = 0;
  private cache: VolatileWriteCache | null = null;
  private sectorOf: (block: number) => number = (b) => b * 8;
  private readonly versions = new Map<number, Versions<T>>();
  private nextToken = 1;

  constructor(readonly copy: (data: T) => T) {}

  /**
   * Follows what reaches the media of `cache`'s device: block b starts at sector `sectorOf(b)`.
   * From then on every write must carry the token `nextWriteToken()` gave it.
   */
  trackDurability(cache: VolatileWriteCache, sectorOf: (block: number) => number): void {
    this.cache = cache;
    this.sectorOf = sectorOf;
  }

  get tracksDurability(): boolean {
    return this.cache !== null;
  }

  /** A fresh version token for a write about to be submitted (its bio payload fingerprint). */
  nextWriteToken(): number {
    return this.nextToken++;
  }

  get(block: number): T | undefined {
    this.reads++;
    const d = this.blocks.get(block);
    return d === undefined ? undefined : this.copy(d);
  }

  /** `data` must already be a private copy (taken when the write was submitted). */
  put(block: number, data: T | undefined, token = 0): void {
    this.writes++;
    if (data === undefined) this.blocks.delete(block);
    else this.blocks.set(block, data);
    if (this.cache === null) return;
    let v = this.versions.get(block);
    if (v === undefined) this.versions.set(block, (v = { tokens: [], datas: [] }));
    v.tokens.push(token);
    v.datas.push(data);
    // Versions older than the one on the media can never be read again.
    const onMedia = this.cache.durableToken(this.sectorOf(block));
    const i = onMedia === undefined ? -1 : v.tokens.lastIndexOf(onMedia);
    if (i > 0) {
      v.tokens.splice(0, i);
      v.datas.splice(0, i);
    }
  }

  /** Looks at a block without counting a read (checkers, tests). */
  peek(block: number): T | undefined {
    return this.blocks.get(block);
  }

  get size(): number {
    return this.blocks.size;
  }

  /**
   * What the device would hold after a power cut now: each block's version that the drive
   * has on its media (a block whose writes all sit in the cache reads as zeroes). Without a
   * power-cut model, everything written is on the media.
   */
  durableView(): BlockMedia<T> {
    const out = new BlockMedia<T>(this.copy);
    if (this.cache === null) {
      for (const [b, d] of this.blocks) out.blocks.set(b, d);
      return out;
    }
    for (const [b, v] of this.versions) {
      const onMedia = this.cache.durableToken(this.sectorOf(b));
      if (onMedia === undefined) continue;
      const i = v.tokens.lastIndexOf(onMedia);
      const d = i < 0 ? undefined : v.datas[i];
      if (d !== undefined) out.blocks.set(b, d);
    }
    return out;
  }
}
