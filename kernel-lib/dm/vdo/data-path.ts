// The steps of the data path, by step number, for the VDO that runs them (vdo.ts knows the
// structures and the threads, not the steps; this keeps the files free of import cycles).
import type { Bio } from '../../block/bio.js';
import type { VdoCompletion } from './completion.js';
import type { DataVio } from './data-vio.js';
import { runLogicalStep } from './logical-zone.js';
import { launchRead, runReadStep } from './read-path.js';
import type { Vdo, VdoDataPath } from './vdo.js';
import { launchWrite, runWriteStep } from './write-path.js';

export const VDO_DATA_PATH: VdoDataPath = {
  run(vdo: Vdo, c: VdoCompletion): void {
    if (!runLogicalStep(vdo, c) && !runWriteStep(vdo, c) && !runReadStep(vdo, c)) throw new Error(`vdo: no step ${c.step}`);
  },
  launchRead,
  launchWrite: (vdo: Vdo, dv: DataVio, bio: Bio) => launchWrite(vdo, dv, bio),
};
