// A set of block numbers that is emptied wholesale, such as "allocated in this transaction"
// (space-map.ts) or the transaction manager's shadow table: one bit per block of the map, and the list of the blocks marked so that
// clearing touches only those. A Set of a transaction's hundreds of thousands of data-block
// allocations cost several times more per insert, and a large old-space object for the
// collector to mark.
export class BlockMarks {
  private readonly bits: Uint32Array;
  private marked: number[] = [];

  constructor(nrBlocks: number) {
    this.bits = new Uint32Array(Math.ceil(nrBlocks / 32));
  }

  has(b: number): boolean {
    return (this.bits[b >>> 5] & (1 << (b & 31))) !== 0;
  }

  add(b: number): void {
    const w = b >>> 5;
    const m = 1 << (b & 31);
    if ((this.bits[w] & m) !== 0) return;
    this.bits[w] |= m;
    this.marked.push(b);
  }

  /** Unmarks b (it stays on the list: clear() unmarks it again, harmlessly). */
  delete(b: number): void {
    this.bits[b >>> 5] &= ~(1 << (b & 31));
  }

  /** The marked blocks in the order they were first marked (a block unmarked and marked again may appear twice). */
  get list(): readonly number[] {
    return this.marked;
  }

  /** Empties the set and returns what list() was (the caller keeps it). */
  take(): number[] {
    const out = this.marked;
    this.marked = [];
    const bits = this.bits;
    for (const b of out) bits[b >>> 5] &= ~(1 << (b & 31));
    return out;
  }

  clear(): void {
    const bits = this.bits;
    for (const b of this.marked) bits[b >>> 5] &= ~(1 << (b & 31));
    this.marked.length = 0;
  }
}
