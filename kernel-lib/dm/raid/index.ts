// The `raid` target type (dm-raid), raid1 only: see raid1-target.ts.
import { registerTarget } from '../target-registry.js';
import { raidCtr } from './raid-ctr.js';

registerTarget({ name: 'raid', ctr: raidCtr });

export { Raid1Target, type Raid1Leg } from './raid1-target.js';
export { readBalance, newMirror, type Raid1Mirror } from './read-balance.js';
export { isNonRot } from './nonrot.js';
