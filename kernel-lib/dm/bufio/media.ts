// What a metadata device holds, block by block, as the layers above keep block content (an
// object per block rather than bytes): a bufio write puts a copy of the buffer here when it
// completes, a bufio read takes a copy from here. Blocks never written read as undefined
// (zeroes).
export class BlockMedia<T> {
  private readonly blocks = new Map<number, T>();
  writes = 0;
  reads = 0;

  constructor(readonly copy: (data: T) => T) {}

  get(block: number): T | undefined {
    this.reads++;
    const d = this.blocks.get(block);
    return d === undefined ? undefined : this.copy(d);
  }

  /** `data` must already be a private copy (taken when the write was submitted). */
  put(block: number, data: T | undefined): void {
    this.writes++;
    if (data === undefined) this.blocks.delete(block);
    else this.blocks.set(block, data);
  }

  /** Looks at a block without counting a read (checkers, tests). */
  peek(block: number): T | undefined {
    return this.blocks.get(block);
  }

  get size(): number {
    return this.blocks.size;
  }
}
