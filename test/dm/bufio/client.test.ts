import { expect } from 'chai';
import { DmBufioClient, parseBufioParams, shardIndex, type BufioLocking } from '../../../kernel-lib/dm/bufio/index.js';
import { InputError } from '../../../kernel-lib/base/input-error.js';
import { Simulation, type ProcessGenerator } from '../../../kernel-lib/sim/index.js';
import { FakeDevice } from '../fake-device.js';
import { QueueDevice } from './queue-device.js';

const US = 1_000;
const copy = (x: number) => x;

function client(sim: Simulation, dev: FakeDevice | QueueDevice, locking: BufioLocking, cacheBlocks = 1000, writeback: 'ratio' | 'percent' = 'percent') {
  return new DmBufioClient<number>(sim, { dev, blockSize: 4096, copy, locking, cacheBlocks, writeback });
}

/** Dirties blocks 0..n-1 (read-free: dm_bufio_new), leaving them unheld. */
function* dirtyBlocks(c: DmBufioClient<number>, n: number, first = 0): ProcessGenerator<void> {
  for (let i = first; i < first + n; i++) {
    const b = yield* c.newBuffer(i);
    b.data = i;
    yield* c.markDirty(b);
    yield* c.release(b);
  }
}

describe('dm/bufio client', () => {
  for (const [locking, takesLock] of [['3.2', true], ['3.15', true], ['6.4', false]] as const) {
    it(`a cache hit under ${locking} ${takesLock ? 'waits for' : 'does not take'} the client lock`, () => {
      const sim = new Simulation();
      const dev = new FakeDevice(sim, 'meta', 1 << 20, 100 * US);
      const c = client(sim, dev, locking);
      let hitDone = NaN;
      sim.process(function* () {
        const b = yield* c.read(5); // miss: read from the device
        yield* c.release(b);
        // Somebody (a committer) holds the client lock from 1 ms to 10 ms.
        yield sim.timeout(1_000 * US - sim.now);
        yield c.lock.lock();
        yield sim.timeout(9_000 * US);
        c.lock.unlock();
      });
      sim.process(function* () {
        yield sim.timeout(2_000 * US);
        const before = c.lock.stats.acquisitions;
        const b = yield* c.read(5);
        hitDone = sim.now;
        yield* c.release(b);
        if (!takesLock) expect(c.lock.stats.acquisitions).to.equal(before);
      });
      sim.run();
      expect(c.stats.reads).to.equal(1);
      expect(hitDone).to.equal(takesLock ? 10_000 * US : 2_000 * US);
    });
  }

  it('write_dirty_buffers waits for the first half with the lock dropped and the rest with it held', () => {
    // With all N writes in flight and completing in list order, each buffer adds one to the
    // walk's count (buffers_processed) and, once written, leaves the dirty list: the count
    // k + 1 meets the list length N - k after about N/2 buffers, and from there on the kernel
    // waits holding the lock (dm-bufio.c: "This may livelock ... so we count the number of
    // buffers walked").
    const N = 30;
    const sim = new Simulation();
    const dev = new FakeDevice(sim, 'meta', 1 << 20, 100 * US, 1); // one write at a time
    const c = client(sim, dev, '3.15');
    let t0 = NaN;
    let end = NaN;
    const hits: Record<string, number> = {};
    sim.process(function* () {
      yield* dirtyBlocks(c, N, 100);
      t0 = sim.now;
      yield* c.writeDirtyBuffers();
      end = sim.now;
    });
    // Cache hits (they take the client lock under 3.15) early and late in the commit.
    for (const [label, at] of [['early', 150], ['late', 2_050]] as const) {
      sim.process(function* () {
        yield sim.timeout(at * US);
        const b = yield* c.read(100);
        hits[label] = sim.now;
        yield* c.release(b);
      });
    }
    sim.run();
    expect(t0).to.equal(0);
    expect(end).to.equal(N * 100 * US);
    expect(c.stats.waitsUnlocked + c.stats.waitsLocked).to.equal(N);
    expect(c.stats.waitsUnlocked).to.be.within(N / 2 - 1, N / 2 + 1);
    expect(c.stats.lockedIoWaitNs).to.be.at.least((N / 2 - 1) * 100 * US);
    // Early, the committer sleeps with the lock dropped: the hit goes through at once.
    expect(hits.early).to.equal(150 * US);
    // Late, it sleeps holding the lock: the hit waits for the end of the last write.
    expect(hits.late).to.equal(N * 100 * US);
    expect(c.nrDirty).to.equal(0);
  });

  it('3.2 submits the commit writes holding the lock: a full queue stalls a hit; 3.15 does not', () => {
    const N = 200;
    const out: Record<string, number> = {};
    for (const locking of ['3.2', '3.15'] as const) {
      const sim = new Simulation();
      const dev = new QueueDevice(sim, 'meta', 1 << 20, 100 * US, 8);
      const c = client(sim, dev, locking);
      sim.process(function* () {
        const b = yield* c.read(5000);
        yield* c.release(b);
        yield* dirtyBlocks(c, N);
        yield* c.writeDirtyBuffers();
      });
      sim.process(function* () {
        yield sim.timeout(150 * US); // while the writes are being queued
        const b = yield* c.read(5000);
        out[locking] = sim.now;
        yield* c.release(b);
      });
      sim.run();
    }
    // 3.2: the hit waits at least until the last write could be queued (N - 8 completions).
    expect(out['3.2']).to.be.at.least((100 + (N - 8) * 100) * US);
    // 3.15: the writes are queued outside the lock; the hit gets the lock at once.
    expect(out['3.15']).to.equal(150 * US);
  });

  it('evicts a dirty victim by writing it synchronously under the lock when the cache is full', () => {
    const sim = new Simulation();
    const dev = new FakeDevice(sim, 'meta', 1 << 20, 100 * US);
    const c = client(sim, dev, '3.15', 8);
    let readDone = NaN;
    sim.process(function* () {
      yield* dirtyBlocks(c, 8);
      const t = sim.now;
      const b = yield* c.read(50);
      readDone = sim.now - t;
      yield* c.release(b);
    });
    sim.run();
    expect(c.stats.evictedDirty).to.equal(1);
    expect(c.stats.lockedIoWaitNs).to.equal(100 * US);
    expect(readDone).to.equal(200 * US); // the victim's write, then the read
    expect(c.nrBuffers).to.equal(8);
    expect(c.media.peek(0)).to.equal(0); // the oldest dirty block went to the media
  });

  it('background writeback starts when dirty buffers exceed 3 x clean', () => {
    const sim = new Simulation();
    const dev = new FakeDevice(sim, 'meta', 1 << 20, 100 * US);
    const c = client(sim, dev, '6.4', 1000, 'ratio');
    sim.process(function* () {
      const b = yield* c.read(1000); // one clean buffer
      yield* c.release(b);
      yield* dirtyBlocks(c, 4); // 4 > 3 x 1 at the fifth allocation
      expect(c.stats.watermarkWritebacks).to.equal(0);
      yield* dirtyBlocks(c, 1, 10);
    });
    sim.run();
    expect(c.stats.watermarkWritebacks).to.equal(1);
    expect(c.stats.writes).to.equal(4);
  });

  it('reads back what it wrote after eviction (content goes through the media)', () => {
    const sim = new Simulation();
    const dev = new FakeDevice(sim, 'meta', 1 << 20, 10 * US);
    const c = client(sim, dev, '6.4', 8);
    const seen: number[] = [];
    sim.process(function* () {
      yield* dirtyBlocks(c, 40);
      yield* c.writeDirtyBuffers();
      for (let i = 0; i < 40; i++) {
        const b = yield* c.read(i);
        seen.push(b.data as number);
        yield* c.release(b);
      }
    });
    sim.run();
    expect(seen).to.deep.equal([...Array(40).keys()]);
  });

  it('shards a block table as dm_hash_locks_index does, within the shard count', () => {
    const used = new Set<number>();
    for (let b = 0; b < 100_000; b += 64) used.add(shardIndex(b, 4));
    expect([...used].sort()).to.deep.equal([0, 1, 2, 3]);
  });

  it('bufio.* parameters: era defaults, explicit values and errors naming the key', () => {
    expect(parseBufioParams({ kernel: '3.10' }).locking).to.equal('3.2');
    expect(parseBufioParams({ kernel: '4.19' }).locking).to.equal('3.15');
    expect(parseBufioParams({}).locking).to.equal('6.4');
    expect(parseBufioParams({ kernel: '3.10', 'bufio.locking': '6.4' }).locking).to.equal('6.4');
    expect(parseBufioParams({ 'bufio.locking': 3.2 }).locking).to.equal('3.2');
    expect(() => parseBufioParams({ 'bufio.locking': '5.0' })).to.throw(InputError).with.property('field', 'bufio.locking');
    expect(() => parseBufioParams({ 'bufio.cacheBlocks': 2 })).to.throw(InputError).with.property('field', 'bufio.cacheBlocks');
    expect(() => parseBufioParams({ 'bufio.nope': 1 })).to.throw(InputError).with.property('field', 'bufio.nope');
  });
});
