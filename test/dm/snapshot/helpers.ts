// A small origin + snapshot stack on fake devices, built with the real table parser.
import { Bio } from '../../../kernel-lib/block/bio.js';
import type { BlockDevice } from '../../../kernel-lib/block/device.js';
import { createMappedDevice } from '../../../kernel-lib/dm/index.js';
import type { MappedDevice } from '../../../kernel-lib/dm/mapped-device.js';
import type { SnapshotTarget } from '../../../kernel-lib/dm/snapshot/index.js';
import { CpuSet, Simulation } from '../../../kernel-lib/sim/index.js';
import { FakeDevice } from '../fake-device.js';

export interface SnapStack {
  sim: Simulation;
  cpus: CpuSet;
  origin: FakeDevice;
  cow: FakeDevice;
  cow2: FakeDevice;
  base: BlockDevice;
  snap: BlockDevice;
  target: SnapshotTarget;
  /** Loads another table over the same devices (e.g. a snapshot-merge on the snapshot's COW). */
  create(name: string, table: string): MappedDevice;
  /** Submits a bio from a fresh thread; returns it (check bio.tComplete). */
  io(dev: BlockDevice, op: 'read' | 'write' | 'discard', sector: number, sectors: number, at?: number): Bio;
}

export function snapStack(opts: { store?: 'P' | 'PO' | 'N'; features?: string; chunk?: number; params?: Record<string, unknown>; originSectors?: number; cowSectors?: number; serviceNs?: number | ((b: Bio) => number) } = {}): SnapStack {
  const sim = new Simulation({ seed: 1 });
  const cpus = new CpuSet(sim, { cores: 2 });
  const n = opts.originSectors ?? 1 << 16;
  const origin = new FakeDevice(sim, 'base-real', n, opts.serviceNs ?? 100_000);
  const cow = new FakeDevice(sim, 'cow', opts.cowSectors ?? 1 << 16, opts.serviceNs ?? 100_000);
  // A second COW device for tables a test loads itself (another snapshot of the origin).
  const cow2 = new FakeDevice(sim, 'cow2', opts.cowSectors ?? 1 << 16, opts.serviceNs ?? 100_000);
  const devs: Record<string, BlockDevice> = { 'base-real': origin, cow, cow2 };
  const ctx = (name: string) => ({ sim, cpus, params: opts.params ?? {}, deviceName: name, lookupDevice: (d: string) => devs[d] });
  const base = createMappedDevice(ctx('base'), `0 ${n} snapshot-origin base-real`);
  const snap = createMappedDevice(ctx('snap'), `0 ${n} snapshot base-real cow ${opts.store ?? 'P'} ${opts.chunk ?? 16}${opts.features !== undefined ? ` ${opts.features}` : ''}`);
  // `dmsetup create` returns after the constructor's header I/O (persistent store): run it,
  // then forget what the devices saw, so that tests see only their own I/O.
  const target = snap.targets[0].target as SnapshotTarget;
  if (target.snap.setup !== null) {
    sim.run();
    origin.seen.length = 0;
    cow.seen.length = 0;
  }
  let k = 0;
  const io = (dev: BlockDevice, op: 'read' | 'write' | 'discard', sector: number, sectors: number, at = 0): Bio => {
    const bio = new Bio(op, sector, sectors);
    const t = cpus.thread(`io${k++}`);
    bio.thread = t;
    t.spawn(function* () {
      if (at > 0) yield sim.timeout(at);
      yield t.exec(100);
      yield* dev.submit(bio);
      yield bio.wait(sim);
    });
    return bio;
  };
  return { sim, cpus, origin, cow, cow2, base, snap, target, io, create: (name: string, table: string) => createMappedDevice(ctx(name), table) };
}
