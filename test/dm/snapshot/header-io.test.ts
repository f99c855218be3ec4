// The persistent store's header I/O: read_header / write_header / zero_area(0) when the
// snapshot is constructed, header reads and writes on the ksnaphd workqueue, the header
// rewritten (valid = 0) when the snapshot is invalidated.
import { expect } from 'chai';
import { Bio } from '../../../kernel-lib/block/bio.js';
import type { BlockDevice } from '../../../kernel-lib/block/device.js';
import { createMappedDevice } from '../../../kernel-lib/dm/index.js';
import type { SnapshotTarget } from '../../../kernel-lib/dm/snapshot/index.js';
import type { PersistentStore } from '../../../kernel-lib/dm/snapshot/persistent-store.js';
import { CpuSet, Simulation } from '../../../kernel-lib/sim/index.js';
import { runScenario } from '../../../kernel-lib/scenario/run.js';
import { fakeFactory } from '../../scenario/helpers.js';
import { FakeDevice } from '../fake-device.js';
import { snapStack } from './helpers.js';

/** A stack built by hand (snapStack hides the constructor's I/O), recording which thread submitted each COW bio. */
function rawStack(store: 'P' | 'N', cowSectors = 1 << 16) {
  const sim = new Simulation({ seed: 1 });
  const cpus = new CpuSet(sim, { cores: 2 });
  const origin = new FakeDevice(sim, 'base-real', 1 << 16, 100_000);
  const cow = new FakeDevice(sim, 'cow', cowSectors, 100_000);
  const threads: string[] = [];
  const submit = cow.submit.bind(cow);
  cow.submit = (bio: Bio) => {
    threads.push(bio.thread?.name ?? '?');
    return submit(bio);
  };
  const devs: Record<string, BlockDevice> = { 'base-real': origin, cow };
  const ctx = (name: string) => ({ sim, cpus, params: { kernel: '2.6.21' }, deviceName: name, lookupDevice: (d: string) => devs[d] });
  const base = createMappedDevice(ctx('base'), `0 ${1 << 16} snapshot-origin base-real`);
  const snap = createMappedDevice(ctx('snap'), `0 ${1 << 16} snapshot base-real cow ${store} 16`);
  const target = snap.targets[0].target as SnapshotTarget;
  return { sim, cpus, origin, cow, threads, base, snap, target };
}

describe('dm-snapshot persistent store header I/O', () => {
  it('construction reads the header, writes it and zeroes area 0; header I/O on ksnaphd', () => {
    const s = rawStack('P');
    expect(s.target.snap.active).to.equal(false);
    s.sim.run();
    expect(s.target.snap.active).to.equal(true);
    expect(s.cow.seen.map((x) => `${x.op}@${x.sector}+${x.sectors}`)).to.deep.equal(['read@0+16', 'write@0+16', 'write@16+16']);
    // Each one waits for the one before (synchronous dm_io).
    expect(s.cow.seen[1].at).to.be.at.least(s.cow.seen[0].at + 100_000);
    expect(s.cow.seen[2].at).to.be.at.least(s.cow.seen[1].at + 100_000);
    expect(s.threads).to.deep.equal(['snap.ksnaphd', 'snap.ksnaphd', 'snap.dmsetup']);
    expect(s.origin.seen).to.have.length(0);
    const store = s.target.snap.store as PersistentStore;
    expect([store.counters.headerReads, store.counters.headerWrites]).to.deep.equal([1, 1]);
    expect(s.target.snap.setup!.processed).to.equal(true);
  });

  it('a transient snapshot has no header and is active at once', () => {
    const s = rawStack('N');
    expect(s.target.snap.active).to.equal(true);
    expect(s.target.snap.setup).to.equal(null);
    s.sim.run();
    expect(s.cow.seen).to.have.length(0);
  });

  it('I/O before the constructor is done: snapshot I/O waits for it, origin writes skip the inactive snapshot', () => {
    const s = rawStack('P');
    const t = s.cpus.thread('early');
    const ow = new Bio('write', 0, 8);
    const sw = new Bio('write', 64, 8);
    ow.thread = t;
    sw.thread = t;
    t.spawn(function* () {
      yield* s.base.submit(ow);
      yield* s.snap.submit(sw);
    });
    s.sim.run();
    // The origin write went straight through: no copy for chunk 0.
    expect(s.target.snap.complete.lookup(0)).to.equal(undefined);
    expect(ow.status).to.equal(null);
    expect(ow.tComplete).to.be.above(0);
    // The snapshot write waited for the header I/O, then copied its chunk.
    const headerDone = s.cow.seen[2].at + 100_000;
    const copyRead = s.origin.seen.find((x) => x.op === 'read')!;
    expect(copyRead.at).to.be.at.least(headerDone);
    expect(s.target.snap.complete.lookup(4)).to.not.equal(undefined);
    expect(sw.status).to.equal(null);
  });

  it('invalidation (a full COW device) rewrites the header through ksnaphd', () => {
    // Header + area 0 + 2 data chunks.
    const s = snapStack({ chunk: 16, cowSectors: 64, params: { kernel: '2.6.21' } });
    const bios = [0, 1, 2, 3].map((i) => s.io(s.base, 'write', i * 16, 8, i * 1_000_000));
    s.sim.run();
    expect(bios.every((b) => b.status === null && b.tComplete > 0)).to.equal(true);
    const store = s.target.snap.store as PersistentStore;
    expect(s.target.status().state).to.equal('Invalid');
    expect(store.counters.headerWrites).to.equal(2);
    expect(store.valid).to.equal(false);
    const headerWrite = s.cow.seen.filter((x) => x.op === 'write' && x.sector === 0);
    expect(headerWrite).to.have.length(1);
    expect(headerWrite[0].at).to.be.at.least(s.target.snap.invalidAt);
  });

  it('a scenario starts its workload after the constructors: setup_s, and dd measures from its own start', () => {
    const scenario = (store: 'P' | 'N') => ({
      seed: 1,
      params: { kernel: '2.6.21' },
      devices: { sda: 'fake-1000us-64m' },
      volumes: { 'base-real': { device: 'sda', offset: 0, size: '16M' }, cow: { device: 'sda', offset: '32M', size: '16M' } },
      targets: { base: '0 32768 snapshot-origin base-real', snap: `0 32768 snapshot base-real cow ${store} 32` },
      workload: { dd: 'if=/dev/zero of=/dev/mapper/base bs=16k count=4 oflag=direct' },
    });
    const p = runScenario(scenario('P'), { createDevice: fakeFactory });
    const n = runScenario(scenario('N'), { createDevice: fakeFactory });
    expect(p.dmsim.setup_s).to.be.at.least(0.003); // three synchronous 1 ms I/Os
    expect(n.dmsim.setup_s).to.equal(0);
    expect(p.dmsim.simulated_s).to.be.at.least(p.dmsim.setup_s + p.dd!.seconds - 1e-9);
    const st = p.dmsim.devices.find((d) => d.name === 'snap')!.status[0];
    expect(st.store_stats).to.include({ headerReads: 1, headerWrites: 1 });
    expect(st.exceptions).to.equal(4);
  });
});
