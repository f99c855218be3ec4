// The client's index of cached buffers by block number (c->cache_hash before 6.4, the
// dm_buffer_cache's rb-trees from 6.4: which structure the kernel uses costs CPU, which is not
// modelled, and changes nothing else). Kept as an array indexed by block number rather than a
// Map: every btree node a lookup or insert touches is found here, several times per node, and
// an indexed load is a fraction of a Map's hash probe. The array grows to the highest block
// cached (a metadata device's blocks are numbered from 0 and allocated from the bottom), one
// slot of 4 bytes per block.
import type { DmBuffer } from './buffer.js';

export class BufferTable<T> {
  private slots: (DmBuffer<T> | undefined)[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(block: number): DmBuffer<T> | undefined {
    return block < this.slots.length ? this.slots[block] : undefined;
  }

  set(block: number, b: DmBuffer<T>): void {
    const slots = this.slots;
    // Grown one slot at a time so that the array stays a packed one (never holey or a dictionary).
    while (slots.length <= block) slots.push(undefined);
    if (slots[block] === undefined) this.count++;
    slots[block] = b;
  }

  delete(block: number): void {
    if (block < this.slots.length && this.slots[block] !== undefined) {
      this.slots[block] = undefined;
      this.count--;
    }
  }
}
