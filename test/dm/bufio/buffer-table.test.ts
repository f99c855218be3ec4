import { expect } from 'chai';
import { DmBuffer } from '../../../kernel-lib/dm/bufio/buffer.js';
import { BufferTable } from '../../../kernel-lib/dm/bufio/buffer-table.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';

describe('dm/bufio buffer table', () => {
  it('agrees with a Map over random sets, gets and deletes, size included', () => {
    const rng = new Simulation({ seed: 6 }).rng('table');
    const table = new BufferTable<number>();
    const ref = new Map<number, DmBuffer<number>>();
    const disagree: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const block = rng.integer(0, 20_000);
      const r = rng.random();
      if (r < 0.5) {
        const b = new DmBuffer<number>(block, i);
        table.set(block, b);
        ref.set(block, b);
      } else if (r < 0.8) {
        table.delete(block);
        ref.delete(block);
      }
      if (table.get(block) !== ref.get(block)) disagree.push(`op ${i}: block ${block}`);
      if (table.size !== ref.size) disagree.push(`op ${i}: size ${table.size} != ${ref.size}`);
    }
    // Blocks beyond the highest ever set, and never set, read as absent.
    expect(table.get(1_000_000)).to.equal(undefined);
    expect(disagree.slice(0, 5)).to.deep.equal([]);
  });
});
