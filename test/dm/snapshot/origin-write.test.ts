// The two origin-write schemes (`snapshot.originWrite`): 2.6.18-2.6.35's primary_pe with its
// ref_count, and the modern retry through do_origin; and the other 2.6 bookkeeping: copies
// completed in any order, the snapshot lock taken exclusively for every bio.
import { expect } from 'chai';
import { createMappedDevice } from '../../../kernel-lib/dm/index.js';
import type { SnapshotTarget } from '../../../kernel-lib/dm/snapshot/index.js';
import { eraDefaults } from '../../../kernel-lib/dm/kernel-presets.js';
import { parseSnapshotParams } from '../../../kernel-lib/dm/snapshot/params.js';
import { FakeDevice } from '../fake-device.js';
import { snapStack } from './helpers.js';

/** snapStack plus a second snapshot of the same origin (transient, 16-sector chunks) on cow2. */
function twoSnapshots(params: Record<string, unknown>, cow2ServiceNs: number) {
  const s = snapStack({ store: 'N', params });
  const cow2 = new FakeDevice(s.sim, 'cow2', 1 << 16, cow2ServiceNs);
  const ctx = { sim: s.sim, cpus: s.cpus, params, deviceName: 'snap2', lookupDevice: (d: string) => (d === 'cow2' ? cow2 : s.origin) };
  const snap2 = createMappedDevice(ctx, `0 ${1 << 16} snapshot base-real cow2 N 16`);
  const t2 = snap2.targets[0].target as SnapshotTarget;
  // Record the order in which the copies are handed to kcopyd.
  const started: string[] = [];
  for (const t of [s.target, t2]) {
    const kc = t.snap.kc;
    const copy = kc.copy.bind(kc);
    kc.copy = (...args: Parameters<typeof kc.copy>) => {
      started.push(t.snap.name);
      return copy(...args);
    };
  }
  return { ...s, cow2, t2, started };
}

describe('dm-snapshot origin writes: primary_pe (2.6.18-2.6.35) and retry (modern)', () => {
  it('era presets: primary-pe up to 2.6.35, retry from 2.6.36; an explicit value wins', () => {
    expect(eraDefaults('2.6.18')['snapshot.originWrite']).to.equal('primary-pe');
    expect(eraDefaults('2.6.21')['snapshot.originWrite']).to.equal('primary-pe');
    expect(eraDefaults('2.6.35')['snapshot.originWrite']).to.equal('primary-pe');
    expect(eraDefaults('2.6.36')['snapshot.originWrite']).to.equal('retry');
    expect(eraDefaults(undefined)['snapshot.originWrite']).to.equal('retry');
    expect(parseSnapshotParams({ kernel: '2.6.21', 'snapshot.originWrite': 'retry' }).originWrite).to.equal('retry');
  });

  for (const scheme of ['primary-pe', 'retry'] as const) {
    for (const slow of ['snap', 'snap2'] as const) {
      it(`${scheme}: with two snapshots the origin write waits for both copies (${slow}'s is the slow one)`, () => {
        const params = { kernel: '2.6.21', 'snapshot.originWrite': scheme };
        const s = twoSnapshots(params, slow === 'snap2' ? 3_000_000 : 100_000);
        if (slow === 'snap') (s.cow as unknown as { serviceNs: number }).serviceNs = 3_000_000;
        const w = s.io(s.base, 'write', 0, 8);
        s.sim.run();
        expect(s.origin.seen.filter((x) => x.op === 'read')).to.have.length(2);
        const slowCopy = (slow === 'snap' ? s.cow : s.cow2).seen.find((x) => x.op === 'write')!;
        const originWrite = s.origin.seen.find((x) => x.op === 'write')!;
        expect(originWrite.at).to.be.at.least(slowCopy.at + 3_000_000);
        expect(w.tComplete).to.be.at.least(originWrite.at + 100_000);
        expect(w.status).to.equal(null);
        expect(s.target.snap.complete.size).to.equal(1);
        expect(s.t2.snap.complete.size).to.equal(1);
      });
    }
  }

  it('primary-pe starts the copies after the loop in list order; retry starts the first snapshot\'s last', () => {
    const old = twoSnapshots({ kernel: '2.6.21' }, 100_000);
    old.io(old.base, 'write', 0, 8);
    old.sim.run();
    expect(old.started).to.deep.equal(['snap', 'snap2']);
    const modern = twoSnapshots({ kernel: '2.6.21', 'snapshot.originWrite': 'retry' }, 100_000);
    modern.io(modern.base, 'write', 0, 8);
    modern.sim.run();
    expect(modern.started).to.deep.equal(['snap2', 'snap']);
  });

  it('primary-pe holds the bio on the primary only and releases it from the last sibling; retry re-queues it on the next snapshot', () => {
    // snap2's copy is slow: snap's exception completes first.
    const old = twoSnapshots({ kernel: '2.6.21' }, 3_000_000);
    old.io(old.base, 'write', 0, 8);
    old.sim.run();
    expect([old.target.snap.counters.heldOriginBios, old.t2.snap.counters.heldOriginBios]).to.deep.equal([1, 0]);
    const modern = twoSnapshots({ kernel: '2.6.21', 'snapshot.originWrite': 'retry' }, 3_000_000);
    modern.io(modern.base, 'write', 0, 8);
    modern.sim.run();
    // Re-run through do_origin after snap's copy, it found snap2's exception still pending.
    expect([modern.target.snap.counters.heldOriginBios, modern.t2.snap.counters.heldOriginBios]).to.deep.equal([1, 1]);
  });

  it('primary-pe: an origin write to a chunk whose copy a snapshot write started waits for that copy', () => {
    const s = snapStack({ store: 'N', params: { kernel: '2.6.21' }, serviceNs: (b) => (b.op === 'read' ? 2_000_000 : 100_000) });
    const sw = s.io(s.snap, 'write', 0, 8);
    const ow = s.io(s.base, 'write', 0, 8, 10_000);
    s.sim.run();
    const copyWrite = s.cow.seen.find((x) => x.op === 'write' && x.sectors === 16)!;
    const originWrite = s.origin.seen.find((x) => x.op === 'write')!;
    expect(s.origin.seen.filter((x) => x.op === 'read')).to.have.length(1); // one copy for both
    expect(originWrite.at).to.be.at.least(copyWrite.at + 100_000);
    expect(ow.tComplete).to.be.above(originWrite.at);
    expect(sw.status).to.equal(null);
    expect(ow.status).to.equal(null);
  });

  it('2.6.21: exceptions complete in the order their copies finish (no sequencing); 6.x sequences them', () => {
    for (const kernel of ['2.6.21', '6.x']) {
      // Chunk 0's origin read is slow: the copy started first finishes last.
      const s = snapStack({ store: 'N', params: { kernel }, serviceNs: (b) => (b.op === 'read' && b.sector === 0 ? 2_000_000 : 100_000) });
      const a = s.io(s.base, 'write', 0, 8);
      const b = s.io(s.base, 'write', 16, 8, 10_000);
      s.sim.run();
      if (kernel === '2.6.21') expect(b.tComplete, kernel).to.be.below(a.tComplete - 1_000_000);
      else expect(b.tComplete, kernel).to.be.at.least(a.tComplete - 200_000);
    }
  });

  it('2.6.21: snapshot reads take the snapshot lock exclusively (down_write); 6.x takes it shared', () => {
    for (const kernel of ['2.6.21', '6.x']) {
      const s = snapStack({ params: { kernel } });
      // Four reads of different chunks at the same instant, from two CPUs.
      const reads = [0, 1, 2, 3].map((i) => s.io(s.snap, 'read', i * 64, 8));
      s.sim.run();
      expect(reads.every((r) => r.status === null)).to.equal(true);
      const lock = s.target.snap.locks.stats();
      expect(lock.acquisitions, kernel).to.equal(4);
      if (kernel === '2.6.21') expect(lock.contentions, kernel).to.be.at.least(1);
      else expect(lock.contentions, kernel).to.equal(0);
    }
  });
});
