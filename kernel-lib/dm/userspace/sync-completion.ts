// The SYNC flag (July 2006): completions of writes to a freshly remapped block are held
// until the daemon says its metadata is safe. A remap answered with SYNC goes on
// dev->in_flight, WAITING. dmu_end_io looks up every completing bio's destination block on
// that list: the first completion queues a SYNC_COMPLETE status request to the daemon and is
// held, later ones are held too; when the daemon answers STATUS SYNC_COMPLETE, sync_complete
// clears WAITING and ends the held bios (each passes through dmu_end_io again, which lets it
// go). A remap leaves in_flight when a bio completes with nothing held.
// dm core here has no end_io hook, so a bio sent to a block while in_flight is not empty goes
// out as a child whose completion runs dmu_end_io first (the clone ends when it lets it).
import type { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import { chargeSoftirq } from '../../sim/cpu.js';
import type { ProcessGenerator } from '../../sim/index.js';
import { USERSPACE_COSTS } from './costs.js';
import type { DmuDevice } from './dmu-device.js';
import { DM_USERSPACE_SYNC_COMPLETE, DMU_FLAG_WAITING } from './protocol.js';
import type { DmuMap } from './remap.js';
import { UserspaceRequest } from './request.js';

interface Held {
  dmu: DmuDevice;
  clone: Bio;
}

function syncEndIo(child: Bio): void {
  const h = child.private as Held;
  if (!dmuEndIo(h.dmu, child)) h.clone.endio(h.dmu.sim, child.status);
}

/** Sends a remapped bio to `dest`, through dmu_end_io when SYNC remaps are in flight. */
export function* submitRemapped(dmu: DmuDevice, clone: Bio, dest: BlockDevice): ProcessGenerator<void> {
  if (dmu.inFlight.length === 0) {
    yield* dest.submit(clone);
    return;
  }
  const child = clone.child(clone.op, clone.sector, clone.sectors, clone.flags, { dmu, clone } satisfies Held, syncEndIo);
  yield* dest.submit(child);
}

/** dmu_end_io: true when the completion is held (end_io returned 1). */
export function dmuEndIo(dmu: DmuDevice, bio: Bio): boolean {
  if (bio.status !== null) return false;
  const block = dmu.block(bio.sector);
  let visits = 0;
  let held = false;
  const list = dmu.inFlight;
  for (let i = 0; i < list.length; i++) {
    visits++;
    const p = list[i];
    if (p.newBlock === block) {
      held = handleBioEndio(dmu, p, bio);
      break;
    }
  }
  chargeSoftirq(dmu.cpus, bio.completionCpu >= 0 ? bio.completionCpu : bio.cpu, visits * USERSPACE_COSTS.nodeVisitNs);
  return held;
}

/** __handle_bio_endio */
function handleBioEndio(dmu: DmuDevice, remap: DmuMap, bio: Bio): boolean {
  const waiting = remap.has(DMU_FLAG_WAITING);
  if (waiting && remap.biosWaiting.length === 0) {
    // First completion while the daemon has not answered: hold it and ask.
    remap.biosWaiting.push(bio);
    dmu.pool.alloc();
    dmu.counters.syncHeld++;
    dmu.addRequest(new UserspaceRequest(DM_USERSPACE_SYNC_COMPLETE, remap.id, 0, 0, DM_USERSPACE_SYNC_COMPLETE));
    return true;
  }
  if (waiting) {
    remap.biosWaiting.push(bio);
    dmu.counters.syncHeld++;
    return true;
  }
  if (remap.biosWaiting.length > 0) {
    if (bio.sector === remap.biosWaiting[0].sector) {
      remap.biosWaiting.shift();
      return false;
    }
    remap.biosWaiting.push(bio);
    return true;
  }
  const i = dmu.inFlight.indexOf(remap);
  if (i >= 0) dmu.inFlight.splice(i, 1);
  return false;
}

/** sync_complete: the daemon's STATUS SYNC_COMPLETE for the remap answered under `idOfOp`. */
export function syncComplete(dmu: DmuDevice, idOfOp: number): number {
  let visits = 0;
  let match: DmuMap | null = null;
  for (const p of dmu.inFlight) {
    visits++;
    if (p.id === idOfOp) {
      match = p;
      break;
    }
  }
  if (match === null) {
    dmu.error(`Unable to complete unknown request ${idOfOp}`);
    return visits;
  }
  match.flags &= ~DMU_FLAG_WAITING;
  dmu.counters.syncCompleted++;
  // bio->bi_end_io of each held bio: through dmu_end_io again, which lets the head go.
  while (match.biosWaiting.length > 0) {
    const bio = match.biosWaiting[0];
    if (handleBioEndio(dmu, match, bio)) break;
    const h = bio.private as Held;
    h.clone.endio(dmu.sim, bio.status);
  }
  return visits;
}
