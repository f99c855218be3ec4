// The inram backend (dm-dedup-ram.c): hash tables in memory, no metadata I/O, nothing
// persistent. Lookups and inserts cost no simulated time.
import type { ProcessGenerator } from '../../sim/index.js';
import { PdataError } from '../persistent-data/block-data.js';
import type { DedupBackend } from './backend.js';

export class InramBackend implements DedupBackend {
  readonly name = 'inram';
  private readonly lbn = new Map<number, number>();
  private readonly hash = new Map<number, number>();
  private readonly counts: Uint32Array;
  private next = 0;
  usedDataBlocks = 0;

  constructor(readonly pblocks: number) {
    this.counts = new Uint32Array(pblocks);
  }

  *lookupLbn(lbn: number): ProcessGenerator<number | undefined> {
    return this.lbn.get(lbn);
  }
  tryLookupLbn(lbn: number): number | undefined {
    return this.lbn.get(lbn);
  }
  tryLookupHash(fp: number): number | undefined {
    return this.hash.get(fp);
  }
  *insertLbn(lbn: number, pbn: number): ProcessGenerator<void> {
    this.lbn.set(lbn, pbn);
  }
  *lookupHash(fp: number): ProcessGenerator<number | undefined> {
    return this.hash.get(fp);
  }
  *insertHash(fp: number, pbn: number): ProcessGenerator<void> {
    this.hash.set(fp, pbn);
  }
  *deleteHash(fp: number): ProcessGenerator<void> {
    this.hash.delete(fp);
  }
  *hashes(): ProcessGenerator<[number, number][]> {
    return [...this.hash.entries()];
  }
  /** alloc_data_block_inram: the next free block after the last one handed out, wrapping. */
  *allocDataBlock(): ProcessGenerator<number> {
    for (let i = 0; i < this.pblocks; i++) {
      const b = (this.next + i) % this.pblocks;
      if (this.counts[b] === 0) {
        this.next = b + 1;
        this.counts[b] = 1;
        this.usedDataBlocks++;
        return b;
      }
    }
    throw new PdataError('ENOSPC', 'no free data block');
  }
  *incRefcount(pbn: number): ProcessGenerator<void> {
    if (this.counts[pbn]++ === 0) this.usedDataBlocks++;
  }
  *decRefcount(pbn: number): ProcessGenerator<void> {
    if (this.counts[pbn] === 0) throw new PdataError('EINVAL', `decrement of free data block ${pbn}`);
    if (--this.counts[pbn] === 0) this.usedDataBlocks--;
  }
  // The in-RAM store never waits, but its calls are cheap already: the generators serve.
  tryInsertLbn(): boolean {
    return false;
  }
  tryInsertHash(): boolean {
    return false;
  }
  tryAllocDataBlock(): number {
    return -1;
  }
  tryIncRefcount(): boolean {
    return false;
  }
  tryDecRefcount(): boolean {
    return false;
  }
  refcount(pbn: number): number {
    return this.counts[pbn];
  }
  *flushMeta(): ProcessGenerator<void> {}
}
