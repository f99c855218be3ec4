import { expect } from 'chai';
import { PriorityQueue } from '../../kernel-lib/sim/priority-queue.js';

describe('sim/priority-queue', () => {
  it('pops by priority, lower first, and FIFO among equal priorities', () => {
    const q = new PriorityQueue<string>();
    const items: [number, string][] = [[2, 'c1'], [1, 'b1'], [2, 'c2'], [0, 'a'], [1, 'b2'], [2, 'c3']];
    for (const [p, x] of items) q.push(p, x);
    expect(q.length).to.equal(6);
    expect(q.peek()).to.equal('a');
    const out: string[] = [];
    while (q.length > 0) out.push(q.shift()!);
    expect(out).to.deep.equal(['a', 'b1', 'b2', 'c1', 'c2', 'c3']);
  });

  it('remove takes an item out and the heap still pops in order', () => {
    const q = new PriorityQueue<number>();
    for (let i = 0; i < 50; i++) q.push((i * 7) % 10, i);
    expect(q.remove(21)).to.equal(true);
    expect(q.remove(999)).to.equal(false);
    const out: number[] = [];
    while (q.length > 0) out.push(q.shift()!);
    const ref = Array.from({ length: 50 }, (_, i) => i).filter((i) => i !== 21).sort((a, b) => (a * 7) % 10 - (b * 7) % 10 || a - b);
    expect(out).to.deep.equal(ref);
  });
});
