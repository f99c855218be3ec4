// The read path (data-vio.c read_block, complete_read, complete_zero_read): the LBN lock and
// the block-map lookup in the logical zone (logical-zone.ts), then a read of the mapped block
// through its bio thread; the cpu thread decompresses a fragment if need be and acknowledges
// the bio (acknowledge_data_vio runs where the data_vio is); an unmapped LBN completes on the
// cpu thread without I/O, as zeros. Then the logical lock goes and the data_vio returns.
import type { Bio, BioPayload } from '../../block/bio.js';
import { setBioPayload, ZERO_PAYLOAD } from '../../block/bio-payload.js';
import { dmOriginalBio } from '../mapped-device.js';
import type { VdoCompletion } from './completion.js';
import { type DataVio, IO_READ } from './data-vio.js';
import { PRIORITY_HIGH, S } from './steps.js';
import type { Vdo } from './vdo.js';

export function launchRead(vdo: Vdo, dv: DataVio): void {
  dv.read = true;
  vdo.toLogical(dv, S.attemptLogicalBlockLock, dv.logicalZone);
}

/** read_block: the mapping is known (we are in the logical zone). */
export function readBlock(vdo: Vdo, dv: DataVio): void {
  const entry = vdo.blockMap.lookup(dv.lbn);
  dv.mappedPbn = Math.floor(entry / 16);
  dv.mappedState = entry % 16;
  if (dv.mappedPbn === 0) {
    vdo.toCpu(dv, S.completeZeroRead, PRIORITY_HIGH);
    return;
  }
  dv.ioKind = IO_READ;
  vdo.toBio(dv, dv.mappedPbn, PRIORITY_HIGH);
}

export function runReadStep(vdo: Vdo, c: VdoCompletion): boolean {
  if (c.step !== S.completeRead && c.step !== S.completeZeroRead) return false;
  const dv = c as DataVio;
  const bio = dv.userBio as Bio;
  // What the read returns, on the clone and on the original dm core cloned it from.
  let payload: BioPayload | null = null;
  if (c.step === S.completeZeroRead) payload = ZERO_PAYLOAD;
  else {
    const fp = vdo.content.get(dv.mappedPbn * 16 + dv.mappedState);
    if (fp !== undefined) payload = { fingerprint: fp, blocks: 'distinct', compressPercentage: 0 };
  }
  if (payload !== null) {
    setBioPayload(bio, payload);
    const parent = dmOriginalBio(bio);
    if (parent !== undefined) setBioPayload(parent, payload);
  }
  vdo.acknowledge(dv);
  vdo.toLogical(dv, S.releaseLogicalLock, dv.logicalZone);
  return true;
}
