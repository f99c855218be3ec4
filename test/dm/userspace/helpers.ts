// A dm-userspace stack for tests: fake devices sdb (the base) and sdc (where remaps go), a
// `userspace` target over them with no cowd (cowd.start: false), and a hand-driven daemon
// that reads the control device and answers.
import { createMappedDevice, type TargetContext } from '../../../kernel-lib/dm/index.js';
import type { MappedDevice } from '../../../kernel-lib/dm/mapped-device.js';
import {
  DM_USERSPACE_MAP_BLOCK_RESP, DMU_FLAG_RD, DMU_FLAG_WR, downBytes, type DmuDownMessage, type DmuUpMessage,
} from '../../../kernel-lib/dm/userspace/protocol.js';
import type { UserspaceTarget } from '../../../kernel-lib/dm/userspace/userspace-target.js';
import type { DmuDevice } from '../../../kernel-lib/dm/userspace/dmu-device.js';
import { Simulation, type ProcessGenerator } from '../../../kernel-lib/sim/index.js';
import { FakeDevice } from '../fake-device.js';

export function dmuStack(params: Record<string, unknown> = {}, table = '0 80000 userspace k 4096 sdb sdc') {
  const sim = new Simulation({ seed: 1 });
  const devs: Record<string, FakeDevice> = {};
  for (const n of ['sdb', 'sdc']) devs[n] = new FakeDevice(sim, n, 100_000, 1000);
  const ctx: TargetContext = {
    sim,
    cpus: null,
    params: { 'cowd.start': false, ...params },
    deviceName: 'dmu',
    lookupDevice: (n) => devs[n.replace(/^\/dev\//, '')],
  };
  const create = (t: string): MappedDevice => createMappedDevice(ctx, t, { file: 't.yaml', line: 1 });
  const md = create(table);
  const target = md.targets[0].target as UserspaceTarget;
  return { sim, devs, md, target, dmu: target.dmu, create };
}

/** One non-blocking read of the control device by a daemon with no CPU model. */
export function* readUp(dmu: DmuDevice, bufBytes = 4096): ProcessGenerator<DmuUpMessage[]> {
  const out: DmuUpMessage[] = [];
  yield* dmu.ctl.read(null, bufBytes, true, out);
  return out;
}

/** A MAP_BLOCK_RESP for a request: the block to `newBlock` of `dst`, RD|WR unless told. */
export function mapResp(m: { id: number; block: number }, newBlock: number, flags = DMU_FLAG_RD | DMU_FLAG_WR, dst = 'sdc', src = ''): DmuDownMessage {
  return { type: DM_USERSPACE_MAP_BLOCK_RESP, id: m.id, resp: { orgBlock: m.block, newBlock, offset: 0, idOfReq: m.id, flags, src, dst } };
}

export function* writeDown(dmu: DmuDevice, msgs: DmuDownMessage[]): ProcessGenerator<void> {
  yield* dmu.ctl.write(null, msgs, downBytes(msgs));
}
