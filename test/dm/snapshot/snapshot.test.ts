// dm-snapshot mechanism: the origin write path, group commit, full-chunk writes, the
// persistent layout, in-order completion, and bad input.
import { expect } from 'chai';
import { REQ_FUA, REQ_PREFLUSH } from '../../../kernel-lib/block/bio.js';
import type { PersistentStore } from '../../../kernel-lib/dm/snapshot/persistent-store.js';
import { snapStack } from './helpers.js';

describe('dm-snapshot', () => {
  it('a first origin write completes only after copy-out and commit; a second one passes through', () => {
    const s = snapStack({ params: { kernel: '6.x' } }); // chunk 16 sectors, persistent
    const first = s.io(s.base, 'write', 32, 8);
    s.sim.run();
    const originOps = s.origin.seen.map((x) => `${x.op}@${x.sector}`);
    expect(originOps).to.deep.equal(['read@32', 'write@32']);
    const copyWrite = s.cow.seen.find((x) => x.op === 'write' && x.sector === 2 * 16)!; // data chunk 2
    const area = s.cow.seen.find((x) => x.op === 'write' && x.sector === 1 * 16)!; // area 0
    expect(copyWrite).to.not.equal(undefined);
    expect(area.flags & (REQ_PREFLUSH | REQ_FUA)).to.equal(REQ_PREFLUSH | REQ_FUA);
    const read = s.origin.seen[0];
    const write = s.origin.seen[1];
    expect(copyWrite.at).to.be.at.least(read.at + 100_000);
    expect(area.at).to.be.at.least(copyWrite.at + 100_000);
    expect(write.at).to.be.at.least(area.at + 100_000);
    expect(first.tComplete).to.be.at.least(write.at + 100_000);

    const t0 = s.sim.now;
    const second = s.io(s.base, 'write', 40, 8, 1);
    s.sim.run();
    expect(s.origin.seen.slice(2).map((x) => x.op)).to.deep.equal(['write']);
    expect(second.tComplete - t0).to.be.below(150_000);
    expect(s.target.snap.complete.size).to.equal(1);
  });

  it('commits only when no copy is in flight (or the area is full)', () => {
    // Chunk 0's origin read is slow, so its copy finishes last.
    const s = snapStack({ params: { kernel: '6.x' }, serviceNs: (b) => (b.op === 'read' && b.sector === 0 ? 1_000_000 : 100_000) });
    const a = s.io(s.base, 'write', 0, 8);
    const b = s.io(s.base, 'write', 16, 8);
    s.sim.run();
    const store = s.target.snap.store as PersistentStore;
    expect(store.counters.areaWrites).to.equal(1);
    const area = s.cow.seen.find((x) => x.sector === 16)!;
    // b's copy was done long before, but it waited for a's copy and the one commit.
    expect(area.at).to.be.at.least(1_100_000);
    expect(b.tComplete).to.be.at.least(area.at + 100_000);
    expect(a.tComplete).to.be.at.least(area.at + 100_000);
  });

  it('commits when the area is full even with copies in flight, zeroing the next area first', () => {
    // 1 KiB chunks would be below a page; use 2 sectors: epa = 1024 / 16 = 64.
    const s = snapStack({ chunk: 2, params: { kernel: '6.x' }, serviceNs: (b) => (b.op === 'read' && b.sector === 2 * 64 ? 50_000_000 : 100_000) });
    for (let i = 0; i <= 64; i++) s.io(s.base, 'write', 2 * i, 2);
    s.sim.run();
    const store = s.target.snap.store as PersistentStore;
    expect(store.counters.areaZeroes).to.equal(1);
    expect(store.counters.areaWrites).to.equal(2);
    const zero = s.cow.seen.find((x) => x.sector === store.areaLocation(1) * 2)!;
    expect(zero.at).to.be.below(50_000_000);
  });

  it('2.6.18 order (snapshot.zeroNextArea: after-write): a full area is written, then the next one zeroed', () => {
    const order = (zeroNextArea: string) => {
      const s = snapStack({ chunk: 2, params: { kernel: '6.x', 'snapshot.zeroNextArea': zeroNextArea } });
      for (let i = 0; i < 64; i++) s.io(s.base, 'write', 2 * i, 2);
      s.sim.run();
      const store = s.target.snap.store as PersistentStore;
      const at = (chunk: number) => s.cow.seen.filter((x) => x.op === 'write' && x.sector === chunk * 2).map((x) => x.at);
      return { zero: at(store.areaLocation(1))[0], area: Math.max(...at(store.areaLocation(0))) };
    };
    const old = order('after-write');
    expect(old.zero).to.be.above(old.area);
    const modern = order('before-write');
    expect(modern.zero).to.be.below(modern.area);
  });

  it('cowThreshold (5.4): writes wait before mapping while too many copies are in flight; starting a copy never waits', () => {
    const s = snapStack({ params: { kernel: '6.x', 'snapshot.cowThreshold': 2 } });
    const ios = Array.from({ length: 8 }, (_, i) => s.io(s.base, 'write', 16 * i, 8));
    s.sim.run();
    const t = s.target.snap.cowThrottle!;
    expect(ios.map((io) => io.tComplete > 0)).to.deep.equal(ios.map(() => true));
    // 4 writers are admitted at once (in_progress 0 <= 2: nothing started yet), the next 4 wait.
    expect(t.waits).to.equal(4);
    // Woken together when in_progress falls back to 2, all 4 look again and go: the limit is
    // a gate, not a semaphore, and can be passed by writers admitted at the same moment.
    expect(t.maxInProgress).to.be.within(3, 2 + 4);
    expect(t.inProgress).to.equal(0);
  });

  it('places data chunks around the metadata areas (epa = chunk bytes / 16)', () => {
    const s = snapStack({ chunk: 8, params: { kernel: '6.x' } }); // 4 KiB chunks: epa 256
    const store = s.target.snap.store as PersistentStore;
    expect(store.epa).to.equal(256);
    expect([store.areaLocation(0), store.areaLocation(1), store.areaLocation(2)]).to.deep.equal([1, 258, 515]);
    const got: number[] = [];
    for (let i = 0; i < 520; i++) {
      const pe = { newChunk: -1 } as { newChunk: number };
      store.prepareException(pe as never);
      got.push(pe.newChunk);
    }
    expect(got.slice(0, 2)).to.deep.equal([2, 3]);
    expect(got[255]).to.equal(257);
    expect(got[256]).to.equal(259);
    expect(got).to.not.include(258);
    expect(got).to.not.include(515);
  });

  it('a full-chunk snapshot write skips the origin read (3.1 and later), not before', () => {
    for (const [kernel, reads] of [['3.1', 0], ['2.6.26', 1]] as const) {
      const s = snapStack({ params: { kernel } });
      const w = s.io(s.snap, 'write', 64, 16);
      s.sim.run();
      expect(s.origin.seen.filter((x) => x.op === 'read'), kernel).to.have.length(reads);
      expect(w.tComplete, kernel).to.be.above(0);
      expect(s.origin.seen.filter((x) => x.op === 'write')).to.have.length(0);
      // A later snapshot read of that chunk goes to COW.
      const r = s.io(s.snap, 'read', 64, 8, 1);
      s.sim.run();
      expect(r.status).to.equal(null);
      expect(s.origin.seen.filter((x) => x.op === 'read'), kernel).to.have.length(reads);
    }
  });

  it('a snapshot read in flight to the origin holds back the copy\'s origin write when reads are tracked (2.6.26 on), not before', () => {
    for (const [kernel, tracked] of [['5.0', true], ['2.6.21', false]] as const) {
      // The snapshot read (8 sectors) takes 5 ms at the origin; the chunk copy's read 0.1 ms.
      const s = snapStack({ store: 'N', params: { kernel }, serviceNs: (b) => (b.op === 'read' && b.sectors === 8 ? 5_000_000 : 100_000) });
      const r = s.io(s.snap, 'read', 0, 8);
      const w = s.io(s.base, 'write', 0, 16, 10_000);
      s.sim.run();
      expect(r.status, kernel).to.equal(null);
      expect(s.target.snap.counters.trackedWaits, kernel).to.equal(tracked ? 1 : 0);
      if (tracked) {
        // pending_complete sleeps in 1 ms steps until the read is done; only then does the write go.
        expect(w.tComplete, kernel).to.be.above(r.tComplete);
      } else {
        // Remapped and forgotten: the origin write overtakes the read (the old race).
        expect(w.tComplete, kernel).to.be.below(1_000_000);
        expect(r.tComplete, kernel).to.be.above(5_000_000);
      }
    }
  });

  it('completes exceptions in allocation order when in-order completion is on', () => {
    for (const inOrder of [true, false]) {
      const s = snapStack({ store: 'N', params: { 'snapshot.inOrderCompletion': inOrder }, serviceNs: (b) => (b.op === 'read' && b.sector === 0 ? 1_000_000 : 100_000) });
      const a = s.io(s.base, 'write', 0, 8);
      const b = s.io(s.base, 'write', 16, 8, 10);
      s.sim.run();
      if (inOrder) expect(b.tComplete).to.be.at.least(a.tComplete - 200_000);
      else expect(b.tComplete).to.be.below(a.tComplete - 500_000);
    }
  });

  it('per-CPU kcopyd: a transient snapshot completes exceptions as copies finish (parallel callbacks), a persistent one in order', () => {
    // copy_callback's sequence and out-of-order tree take no lock: they need serialized
    // callbacks, which per-CPU kcopyd keeps only for the persistent store.
    const slowFirst = (b: { op: string; sector: number }) => (b.op === 'read' && b.sector === 0 ? 1_000_000 : 100_000);
    const n = snapStack({ store: 'N', params: { 'kcopyd.threading': 'per-cpu' }, serviceNs: slowFirst });
    expect(n.target.snap.kc.parallelCallbacks).to.equal(true);
    expect(n.target.snap.inOrderCompletion).to.equal(false);
    const a = n.io(n.base, 'write', 0, 8);
    const b = n.io(n.base, 'write', 16, 8, 10);
    n.sim.run();
    expect(b.tComplete).to.be.below(a.tComplete - 500_000);
    const p = snapStack({ store: 'P', params: { 'kcopyd.threading': 'per-cpu' } });
    expect(p.target.snap.kc.parallelCallbacks).to.equal(false);
    expect(p.target.snap.inOrderCompletion).to.equal(true);
    const one = snapStack({ store: 'N' }); // per-client (the 5.x default): one worker, in order
    expect(one.target.snap.inOrderCompletion).to.equal(true);
  });

  it('a full COW device invalidates the snapshot and the origin write goes on', () => {
    const s = snapStack({ store: 'N', chunk: 16, cowSectors: 32 }); // room for 2 chunks
    const bios = [0, 1, 2, 3].map((i) => s.io(s.base, 'write', i * 16, 8, i * 1_000_000));
    s.sim.run();
    expect(bios.every((b) => b.status === null && b.tComplete > 0)).to.equal(true);
    const st = s.target.status();
    expect(st.state).to.equal('Invalid');
    expect(st.invalid_reason).to.equal('ENOSPC');
    expect(st.dmsetup).to.equal('Invalid');
    const r = s.io(s.snap, 'read', 0, 8, 1);
    s.sim.run();
    expect(r.status).to.equal('EIO');
  });

  it('refuses bad chunk sizes and unknown parameters with clear errors', () => {
    expect(() => snapStack({ chunk: 24 })).to.throw(/power of 2/);
    expect(() => snapStack({ store: 'N', chunk: 0 })).to.throw(/only valid for a persistent store/);
    expect(() => snapStack({ params: { 'snapshot.lockin': 'mutex' } })).to.throw(/snapshot.lockin.*unknown snapshot parameter/);
    expect(() => snapStack({ params: { 'snapshot.locking': 'rcu' } })).to.throw(/"mutex", "fine-grained"/);
    expect(() => snapStack({ params: { kernel: 'two' } })).to.throw(/kernel version/);
    const s = snapStack({ chunk: 0 });
    expect(s.target.snap.chunkSectors).to.equal(32);
  });

  it('refuses a chunk smaller than the COW device block', async () => {
    const { FakeDevice } = await import('../fake-device.js');
    const { createMappedDevice } = await import('../../../kernel-lib/dm/index.js');
    const { CpuSet, Simulation } = await import('../../../kernel-lib/sim/index.js');
    const sim = new Simulation();
    const origin = new FakeDevice(sim, 'o', 1 << 16);
    const cow = new FakeDevice(sim, 'c', 1 << 16);
    Object.defineProperty(cow, 'logicalBlockSize', { value: 4096 });
    const ctx = { sim, cpus: new CpuSet(sim, { cores: 1 }), params: {}, deviceName: 's', lookupDevice: (d: string) => (d === 'o' ? origin : cow) };
    expect(() => createMappedDevice(ctx, `0 ${1 << 16} snapshot o c P 4`)).to.throw(/smaller than the COW device's logical block \(8 sectors\)/);
  });

  it('several snapshots: the origin write waits for every copy', () => {
    const s = snapStack({ params: { kernel: '6.x' } });
    const cow2 = new (s.cow.constructor as typeof import('../fake-device.js').FakeDevice)(s.sim, 'cow2', 1 << 16, 300_000);
    return import('../../../kernel-lib/dm/index.js').then(({ createMappedDevice }) => {
      const ctx = { sim: s.sim, cpus: s.cpus, params: { kernel: '6.x' }, deviceName: 'snap2', lookupDevice: (d: string) => (d === 'cow2' ? cow2 : s.origin) };
      createMappedDevice(ctx, `0 ${1 << 16} snapshot base-real cow2 N 16`);
      const w = s.io(s.base, 'write', 0, 8);
      s.sim.run();
      expect(s.origin.seen.filter((x) => x.op === 'read')).to.have.length(2);
      const slowCopy = cow2.seen.find((x) => x.op === 'write')!;
      expect(w.tComplete).to.be.at.least(slowCopy.at + 300_000 + 100_000);
    });
  });
});
