// The snapshot's locks (dm/snapshot/locking.ts) and the hash chains walked under them
// (dm/snapshot/exception-table.ts): which sections contend, and what a lookup costs.
import { expect } from 'chai';
import { CpuSet, Simulation } from '../../../kernel-lib/sim/index.js';
import { SnapshotLocks } from '../../../kernel-lib/dm/snapshot/locking.js';
import { bucketCounts, CompleteTable } from '../../../kernel-lib/dm/snapshot/exception-table.js';
import { SNAPSHOT_COSTS } from '../../../kernel-lib/dm/snapshot/costs.js';

/** Two threads on two cores enter the fine-grained locks for chunks a and b at once; returns the second's wait (ns). */
function contend(a: number, b: number): number {
  const sim = new Simulation();
  const cpus = new CpuSet(sim, { cores: 2 });
  const locks = new SnapshotLocks(sim, 'fine-grained', 's', 1024, 128);
  let waited = -1;
  [a, b].forEach((chunk, i) => {
    const t = cpus.thread(`t${i}`, { pin: i });
    t.spawn(function* () {
      if (i === 1) yield t.exec(100); // arrives second, while the first holds for 10 us
      const asked = sim.now;
      const held = yield* locks.enter(t, chunk, 10_000);
      if (i === 1) waited = sim.now - asked - 10_000;
      locks.exit(held);
    });
  });
  sim.run();
  return waited;
}

describe('dm-snapshot locking', () => {
  it('fine-grained: chunks contend when they share the complete bucket OR the pending bucket', () => {
    // complete bucket: (chunk >> 8) & 1023; pending bucket: chunk & 127.
    expect(contend(5, 5 + 1)).to.be.closeTo(10_000 - 100, 1); // same complete bucket (0), pending 5 vs 6
    expect(contend(5, 5 + 128 * 4)).to.be.closeTo(10_000 - 100, 1); // complete 0 vs 2, same pending bucket 5
    expect(contend(5, 6 + 256 * 3)).to.equal(0); // complete 0 vs 3, pending 5 vs 6: no contention
    // The same pair of buckets is one pair of lock objects.
    const sim = new Simulation();
    const locks = new SnapshotLocks(sim, 'fine-grained', 's', 1024, 128);
    expect(locks.bucketPair(7)).to.equal(locks.bucketPair(7 + 128 * 1024 * 256));
  });

  it('the exclusive mutex serializes every section, whatever the chunks', () => {
    const sim = new Simulation();
    const cpus = new CpuSet(sim, { cores: 2 });
    const locks = new SnapshotLocks(sim, 'mutex', 's', 1024, 128, true);
    const got: number[] = [];
    [0, 1 << 20].forEach((chunk, i) => {
      const t = cpus.thread(`t${i}`, { pin: i });
      t.spawn(function* () {
        if (i === 1) yield t.exec(100);
        const held = yield* locks.enter(t, chunk, 10_000);
        got.push(sim.now);
        locks.exit(held);
      });
    });
    sim.run();
    expect(got[1] - got[0]).to.be.at.least(10_000 - 100);
    // The owner was running: the second spun (lockSpin), and the spin was CPU time.
    expect(locks.stats().spins).to.equal(1);
  });

  it('hash chains: a miss walks the whole chain, a hit half of it, an insert half; occupancy lengthens them', () => {
    // 5.0 (16-byte list heads): an 80 GiB COW of 4 KiB chunks gets 2 MiB / 16 = 131072 buckets,
    // and an 80 GiB origin's chunks hash to 20971520 / 256 = 81920 of them.
    expect(bucketCounts(20971520, 16).complete).to.equal(131072);
    expect(bucketCounts(20971520, 8).complete).to.equal(262144);
    const t = new CompleteTable(131072, 20971520, 81920 * 40);
    expect(t.chainLength(12345)).to.equal(40);
    expect(t.lookupSteps(12345, false)).to.equal(40);
    expect(t.lookupSteps(12345, true)).to.equal(20.5);
    expect(t.insertSteps(12345)).to.equal(20);
    t.insert(12345, 7);
    expect(t.chainLength(12345)).to.equal(41);
    expect(t.chainLength(12345 + 256)).to.equal(40); // the next bucket
    // A consecutive chunk copied to the consecutive COW chunk merges into the same entry.
    t.insert(12346, 8);
    expect(t.chainLength(12345)).to.equal(41);
    t.insert(12348, 100);
    expect(t.chainLength(12345)).to.equal(42);
    // The cost under the lock of a first write's miss at 3.6M exceptions: 44 entries.
    const mid = new CompleteTable(131072, 20971520, 3_600_000);
    expect(mid.lookupSteps(0, false) * SNAPSHOT_COSTS.chainStepNs).to.be.within(3_000, 4_000);
  });
});
