// The clone target on fake devices, for the tests of this folder.
import { Bio } from '../../../kernel-lib/block/bio.js';
import { createMappedDevice } from '../../../kernel-lib/dm/index.js';
import type { CloneTarget } from '../../../kernel-lib/dm/clone/index.js';
import { Simulation, type ProcessGenerator } from '../../../kernel-lib/sim/index.js';
import { FakeDevice } from '../fake-device.js';

export const REGION = 128; // 64 KiB
export const SIZE = 1 << 16; // 32 MiB: 512 regions

export function setup(opts: { table?: string; params?: Record<string, unknown>; metaSectors?: number; destSectors?: number; sourceNs?: number } = {}) {
  const sim = new Simulation({ seed: 1 });
  const meta = new FakeDevice(sim, 'meta', opts.metaSectors ?? 1 << 14, 20_000);
  const dest = new FakeDevice(sim, 'dest', opts.destSectors ?? SIZE, 50_000);
  const source = new FakeDevice(sim, 'source', SIZE, opts.sourceNs ?? 1_000_000);
  const devs: Record<string, FakeDevice> = { meta, dest, source };
  const ctx = { sim, cpus: null, params: opts.params ?? {}, deviceName: 'cl', lookupDevice: (d: string) => devs[d] };
  const dev = createMappedDevice(ctx, opts.table ?? `0 ${SIZE} clone meta dest source ${REGION} 1 no_hydration`);
  const target = dev.targets[0].target as unknown as CloneTarget;
  return { sim, meta, dest, source, dev, target, c: target.clone };
}

export function* io(sim: Simulation, dev: { submit(b: Bio): ProcessGenerator<void> }, op: 'read' | 'write' | 'flush' | 'discard', sector: number, sectors: number, flags = 0): ProcessGenerator<Bio> {
  const bio = new Bio(op, sector, sectors, flags);
  const done = bio.wait(sim);
  yield* dev.submit(bio);
  yield done;
  return bio;
}

export const dataOps = (d: FakeDevice) => d.seen.filter((s) => s.op === 'read' || s.op === 'write');

