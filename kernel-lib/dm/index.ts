// device-mapper's public surface. Importing it registers the built-in target types; a new
// target type registers itself in its own module, imported from here.
import './linear.js';
import './snapshot/index.js';
import './dedup/index.js';
import './vdo/index.js';
import './targets/zero.js';
import './targets/error.js';
import './targets/striped.js';
import './targets/delay.js';
import './targets/flakey.js';
import './raid/index.js';
import './clone/index.js';
import './userspace/index.js';
import type { InputLocation } from '../base/input-error.js';
import { MappedDevice } from './mapped-device.js';
import { parseTable } from './table.js';
import { constructTarget, type TargetContext } from './target-registry.js';

export { InputError, formatLocation, isInputError, type InputLocation } from '../base/input-error.js';
export { parseTable, formatTable, tableSize, type TableLine } from './table.js';
export {
  registerTarget,
  registerParamNamespace,
  paramNamespaces,
  targetTypes,
  targetType,
  constructTarget,
  TargetArgs,
  type DmTarget,
  type TargetContext,
  type TargetType,
  type TargetHealth,
  type PowerCutRecovery,
  type ParamNamespace,
} from './target-registry.js';
export { LinearTarget } from './linear.js';
export { DM_CORE_COSTS } from './core-costs.js';
export { MappedDevice, type MappedTarget } from './mapped-device.js';
export { dmIo, type DmIoRegion, type DmIoRequest } from './dm-io.js';
export { KernelWorker, kernelWorkers, JOB_DONE, JOB_REQUEUE, type JobFn } from './kernel-worker.js';
export { BioPrison, PrisonCell, prisonLocksFor, type BioPrisonOptions } from './bio-prison.js';
export { createVolume, parseVolumeSize, type VolumeSpec } from './volume.js';
export { bioPayload, setBioPayload, inheritBioPayload, type BioPayload } from '../block/bio-payload.js';

/** `dmsetup create NAME` with a table: parses it, constructs every target, and maps them. */
export function createMappedDevice(ctx: TargetContext, table: string, where: InputLocation = {}): MappedDevice {
  const lines = parseTable(table, { source: where.file, firstLine: where.line, deviceName: ctx.deviceName });
  const targets = lines.map((line) => ({ begin: line.start, length: line.length, target: constructTarget(ctx, line, where.file) }));
  return new MappedDevice(ctx.sim, ctx.deviceName, targets, ctx.dmCore ?? null);
}
