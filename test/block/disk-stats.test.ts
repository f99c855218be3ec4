import { expect } from 'chai';
import { DiskStatsAccounting } from '../../kernel-lib/block/disk-stats.js';
import type { Request } from '../../kernel-lib/block/request.js';

const rq = (op: 'read' | 'write' | 'flush', sectors: number, tStart: number) =>
  ({ op, sectors, tStart, isWrite: op === 'write' }) as unknown as Request;

describe('block/disk-stats', () => {
  it('io_ticks is the time anything was in flight, time_in_queue the in-flight count integrated', () => {
    const clock = { now: 0 };
    const d = new DiskStatsAccounting(clock);
    d.started(); // one in flight over [0, 10)
    clock.now = 10;
    d.started(); // two over [10, 20)
    clock.now = 20;
    d.done(rq('read', 8, 0)); // one over [20, 30)
    clock.now = 30;
    d.done(rq('write', 16, 10));
    clock.now = 50; // idle
    const s = d.snapshot();
    expect([s.busyNs, s.inQueueNs]).to.deep.equal([30, 10 + 2 * 10 + 10]);
    expect([s.readIos, s.readSectors, s.readTicksNs]).to.deep.equal([1, 8, 20]);
    expect([s.writeIos, s.writeSectors, s.writeTicksNs]).to.deep.equal([1, 16, 20]);
  });

  it('counts merges per direction; a flush or a request merged away is no I/O of its own', () => {
    const clock = { now: 0 };
    const d = new DiskStatsAccounting(clock);
    d.merged(true);
    d.merged(false);
    d.merged(true);
    d.started();
    d.started();
    d.forget();
    clock.now = 5;
    d.done(rq('flush', 0, 0));
    const s = d.snapshot();
    expect([s.writeMerges, s.readMerges, s.readIos, s.writeIos]).to.deep.equal([2, 1, 0, 0]);
    expect(d.inFlight).to.equal(0);
  });
});
