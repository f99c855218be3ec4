// dm-vdo: registers the `vdo` target type with the namespace it reads.
import { registerTarget } from '../target-registry.js';
import { VDO_PARAMS } from './params.js';
import { vdoCtr } from './vdo-target.js';

registerTarget({ name: 'vdo', ctr: vdoCtr, params: [VDO_PARAMS] });

export { VdoTarget, vdoCtr } from './vdo-target.js';
export { Vdo } from './vdo.js';
export { parseVdoParams, VDO_PARAMS, VDO_THREAD_DESIGNS, DEFAULT_VDO_COSTS, type VdoParams, type VdoThreadDesign, type VdoCosts } from './params.js';
export { makeThreadConfig, type ThreadConfig } from './thread-config.js';
export { STEP_NAMES } from './steps.js';
