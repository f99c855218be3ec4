// A VDO volume on a FakeDevice, with a CPU model, for the vdo tests: `write`/`read` submit one
// 4 KiB bio to the mapped device and wait for it.
import { Bio } from '../../../kernel-lib/block/bio.js';
import { setBioPayload } from '../../../kernel-lib/block/bio-payload.js';
import { createMappedDevice } from '../../../kernel-lib/dm/index.js';
import '../../../kernel-lib/dm/vdo/index.js';
import type { VdoTarget } from '../../../kernel-lib/dm/vdo/index.js';
import type { MappedDevice } from '../../../kernel-lib/dm/mapped-device.js';
import { CpuSet, type Thread } from '../../../kernel-lib/sim/cpu.js';
import { Simulation, type ProcessGenerator } from '../../../kernel-lib/sim/index.js';
import { FakeDevice } from '../fake-device.js';

export const SPB = 8;

export interface VdoHarness {
  sim: Simulation;
  cpus: CpuSet;
  storage: FakeDevice;
  dev: MappedDevice;
  target: VdoTarget;
}

/** `opts` are the table's optional arguments; storage of `gib` GiB with 8 MiB slabs by default, as many logical blocks unless `logicalBlocks`. */
export function vdoSetup(opts = 'hash 1 logical 1 physical 1', params: Record<string, unknown> = {}, cores = 8, gib = 1, logicalBlocks = 0): VdoHarness {
  const sim = new Simulation({ seed: 1 });
  const cpus = new CpuSet(sim, { cores, contextSwitchNs: 1000, wakeupNs: 1500 });
  const blocks = gib * 262144;
  const storage = new FakeDevice(sim, 'store', blocks * SPB, 20_000);
  storage.record = false;
  const ctx = { sim, cpus, params: { 'vdo.slabSizeMb': 8, ...params }, deviceName: 'vdo0', lookupDevice: (d: string) => (d === 'store' ? storage : undefined) };
  const dev = createMappedDevice(ctx, `0 ${(logicalBlocks || blocks) * SPB} vdo V4 store ${blocks} 4096 32768 16380 ${opts}`);
  return { sim, cpus, storage, dev, target: dev.targets[0].target as unknown as VdoTarget };
}

export function* vdoIo(h: VdoHarness, t: Thread | null, op: 'read' | 'write' | 'discard' | 'flush', lbn: number, fp?: number, compressPercentage = 0, flags = 0): ProcessGenerator<Bio> {
  const bio = new Bio(op, op === 'flush' ? 0 : lbn * SPB, op === 'flush' ? 0 : SPB, flags);
  bio.thread = t;
  if (fp !== undefined) setBioPayload(bio, { fingerprint: fp, blocks: 'distinct', compressPercentage });
  const done = bio.wait(h.sim);
  yield* h.dev.submit(bio);
  yield done;
  return bio;
}

/** `n` writers, each writing `perWriter` blocks back to back (LBN, content from `fpOf`). */
export function writers(h: VdoHarness, n: number, perWriter: number, fpOf: (w: number, i: number) => number | undefined, compressPercentage = 0): void {
  for (let w = 0; w < n; w++) {
    const t = h.cpus.thread(`writer${w}`);
    t.spawn(function* () {
      for (let i = 0; i < perWriter; i++) yield* vdoIo(h, t, 'write', w * perWriter + i, fpOf(w, i), compressPercentage);
    });
  }
}
