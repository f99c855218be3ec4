// A small stack for target tests: fake devices sdb, sdc, sdd, sde (10 000 sectors, 1 us per
// bio unless told) and a way to run bios through a mapped device and see when they end.
import { Bio, type BioOp } from '../../../kernel-lib/block/bio.js';
import { createMappedDevice, InputError, type TargetContext } from '../../../kernel-lib/dm/index.js';
import type { MappedDevice } from '../../../kernel-lib/dm/mapped-device.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { FakeDevice } from '../fake-device.js';

export function setup(serviceNs = 1000, sizeSectors = 10_000) {
  const sim = new Simulation({ seed: 1 });
  const devs: Record<string, FakeDevice> = {};
  for (const n of ['sdb', 'sdc', 'sdd', 'sde']) devs[n] = new FakeDevice(sim, n, sizeSectors, serviceNs);
  const ctx: TargetContext = {
    sim,
    cpus: null,
    params: {},
    deviceName: 'test',
    lookupDevice: (n) => devs[n.replace(/^\/dev\//, '')],
  };
  const create = (table: string): MappedDevice => createMappedDevice(ctx, table, { file: 't.yaml', line: 1 });
  return { sim, devs, ctx, create };
}

export interface Done {
  bio: Bio;
  at: number;
}

/** Submits a bio at simulated time `at` (ns) and records when it completes. */
export function submitAt(sim: Simulation, md: MappedDevice, at: number, op: BioOp, sector: number, sectors: number, flags = 0): Done {
  const bio = new Bio(op, sector, sectors, flags);
  const done: Done = { bio, at: NaN };
  bio.endIo = () => (done.at = sim.now);
  sim.process(function* () {
    if (at > 0) yield sim.timeout(at);
    yield* md.submit(bio);
  });
  return done;
}

/** The InputError message a table gives, or a failure when it loads. */
export function refusal(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return e.message;
  }
  throw new Error('the table loaded');
}
