import { expect } from 'chai';
import { VdoCompletion } from '../../../kernel-lib/dm/vdo/completion.js';
import { WORK_QUEUE_PRIORITY_LEVELS, VdoWorkQueue } from '../../../kernel-lib/dm/vdo/work-queue.js';

describe('dm/vdo work queue', () => {
  it('serves the highest priority first, FIFO within a priority', () => {
    const q = new VdoWorkQueue('q');
    const made: VdoCompletion[] = [];
    for (const p of [1, 0, 3, 1, 3, 2]) {
      const c = new VdoCompletion();
      c.priority = p;
      made.push(c);
      q.put(c);
    }
    const order: number[] = [];
    for (let c = q.poll(); c !== null; c = q.poll()) order.push(made.indexOf(c));
    expect(order).to.deep.equal([2, 4, 5, 0, 3, 1]);
    expect(q.enqueued).to.equal(6);
    expect(q.size).to.equal(0);
    expect(WORK_QUEUE_PRIORITY_LEVELS).to.equal(4);
  });
});
