// The snapshot table's `PO` store and its discard feature arguments (dm-snap.c snapshot_map):
// what a full COW device does to a PO snapshot, and what a discard does with and without
// discard_zeroes_cow / discard_passdown_origin.
import { expect } from 'chai';
import { snapStack } from './helpers.js';

describe('dm/snapshot PO store (overflow) and discard features', () => {
  // A persistent COW of 4 chunks of 16 sectors: header, area 0, then room for 2 exceptions.
  const small = { chunk: 16, cowSectors: 64 };

  it('PO: a snapshot write that finds the COW full fails with EIO, the snapshot stays readable and says Overflow', () => {
    const s = snapStack({ ...small, store: 'PO' });
    const w = [0, 1, 2].map((c) => s.io(s.snap, 'write', c * 16, 8, c * 2_000_000));
    s.sim.run();
    expect(w.map((b) => b.status)).to.deep.equal([null, null, 'EIO']);
    expect(s.target.statusLine()).to.equal('Overflow');
    expect(s.target.health().state).to.equal('Overflow');
    const t0 = s.sim.now + 1;
    const reads = [s.io(s.snap, 'read', 0, 8, t0), s.io(s.snap, 'read', 5 * 16, 8, t0)];
    // Even a chunk that already has its exception takes no more writes (DM_MAPIO_KILL).
    const again = s.io(s.snap, 'write', 0, 8, t0);
    s.sim.run();
    expect(reads.map((b) => b.status)).to.deep.equal([null, null]);
    expect(again.status).to.equal('EIO');
    // An origin write that needs an exception still invalidates (__origin_write ignores PO).
    const ow = s.io(s.base, 'write', 7 * 16, 8, s.sim.now + 1);
    s.sim.run();
    expect(ow.status).to.equal(null);
    expect(s.target.statusLine()).to.equal('Invalid');
  });

  it('P: the same third write invalidates the snapshot, and reads fail from then on', () => {
    const s = snapStack({ ...small, store: 'P' });
    [0, 1, 2].map((c) => s.io(s.snap, 'write', c * 16, 8, c * 2_000_000));
    s.sim.run();
    expect(s.target.statusLine()).to.equal('Invalid');
    const r = s.io(s.snap, 'read', 0, 8, s.sim.now + 1);
    s.sim.run();
    expect(r.status).to.equal('EIO');
  });

  it('without discard_zeroes_cow a discard is not supported; with it, only a chunk with an exception is touched', () => {
    const plain = snapStack({ store: 'P' });
    const d0 = plain.io(plain.snap, 'discard', 0, 16);
    plain.sim.run();
    expect(d0.status).to.equal('EOPNOTSUPP');

    const s = snapStack({ store: 'P', features: '1 discard_zeroes_cow' });
    s.io(s.snap, 'write', 0, 8);
    s.sim.run();
    expect(s.target.snap.complete.lookup(0)).to.equal(2); // first data chunk
    s.cow.seen.length = 0;
    s.origin.seen.length = 0;
    const t = s.sim.now + 1;
    const whole = s.io(s.snap, 'discard', 0, 16, t); // the exception's chunk: zeroed through kcopyd
    const none = s.io(s.snap, 'discard', 3 * 16, 16, t); // no exception: ends at once, no I/O
    const part = s.io(s.snap, 'discard', 4, 8, t + 5_000_000); // part of a chunk: remapped to COW
    s.sim.run();
    expect([whole.status, none.status, part.status]).to.deep.equal([null, null, null]);
    expect(s.origin.seen).to.deep.equal([]);
    expect(s.cow.seen.map((x) => [x.op, x.sector, x.sectors])).to.deep.equal([
      ['write', 32, 16],
      ['discard', 36, 8],
    ]);
    expect(none.tComplete - t).to.be.lessThan(whole.tComplete - t);
    // Discarding never copies out: still one exception.
    expect(s.target.snap.complete.size).to.equal(1);
    expect(s.target.status().discard_zeroes).to.equal(1);
  });

  it('discard_passdown_origin sends the discard to the origin too, without an exception', () => {
    const s = snapStack({ store: 'P', features: '2 discard_zeroes_cow discard_passdown_origin' });
    const d = s.io(s.snap, 'discard', 5 * 16, 16);
    s.sim.run();
    expect(d.status).to.equal(null);
    expect(s.origin.seen.map((x) => [x.op, x.sector, x.sectors])).to.deep.equal([['discard', 80, 16]]);
    expect(s.cow.seen).to.deep.equal([]);
    expect(s.target.snap.complete.size).to.equal(0);
  });
});
