import { expect } from 'chai';
import { Deque } from '../../kernel-lib/sim/deque.js';

describe('sim/deque', () => {
  it('is FIFO across growth and wrap-around, like an array with push/shift', () => {
    const d = new Deque<number>();
    const ref: number[] = [];
    for (let i = 0; i < 1000; i++) {
      d.push(i);
      ref.push(i);
      if (i % 3 === 0) expect(d.shift()).to.equal(ref.shift());
    }
    expect(d.length).to.equal(ref.length);
    expect(d.peek()).to.equal(ref[0]);
    expect(d.at(5)).to.equal(ref[5]);
    const out: number[] = [];
    while (d.length > 0) out.push(d.shift()!);
    expect(out).to.deep.equal(ref);
    expect(d.shift()).to.equal(undefined);
  });

  it('unshift puts an item at the head; remove takes one out and keeps the order', () => {
    const d = new Deque<string>();
    for (const x of ['b', 'c', 'd']) d.push(x);
    d.unshift('a');
    expect(d.remove('c')).to.equal(true);
    expect(d.remove('z')).to.equal(false);
    const out: string[] = [];
    while (d.length > 0) out.push(d.shift()!);
    expect(out).to.deep.equal(['a', 'b', 'd']);
  });
});
