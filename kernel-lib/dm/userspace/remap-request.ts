// The daemon's MAP_BLOCK_RESP, as dmu_ctl_write hands it to remap_request, and what follows:
//   1. find the request by id on dev->requests (a linear scan) and take it off;
//   2. allocate a remap (or steal the LRU one);
//   3. look the block up: a valid remap there is replaced; a not-yet-valid one with the same
//      permissions and destination takes the bios (merge); otherwise the new remap is chained
//      behind it and fires when it becomes valid;
//   4. insert (the hash table may double here, synchronously), SYNC remaps onto in_flight;
//   5. copy_or_flush: with COPY_FIRST, kcopyd copies one block from src to dst and the
//      flusher runs in kcopyd's callback; without, the flusher runs now, in the writer.
// The flusher (remap_flusher) remaps and submits the parked bios one by one, marks the remap
// VALID when none is left, then starts a chained remap and frees a TEMPORARY one.
// An answer whose id matches no request is an unsolicited map (id 0 is reserved for those):
// it is inserted like any other, with no bios.
import type { Bio } from '../../block/bio.js';
import { chargeCpu, type Thread } from '../../sim/cpu.js';
import type { ProcessGenerator } from '../../sim/index.js';
import { USERSPACE_COSTS as C } from './costs.js';
import type { DmuDevice } from './dmu-device.js';
import {
  DM_USERSPACE_MAP_BLOCK_REQ, DMU_FLAG_COPY_FIRST, DMU_FLAG_INUSE, DMU_FLAG_RD, DMU_FLAG_SYNC, DMU_FLAG_TEMPORARY,
  DMU_FLAG_VALID, DMU_FLAG_WAITING, DMU_FLAG_WR, type MapResponse,
} from './protocol.js';
import type { DmuMap } from './remap.js';
import { submitRemapped } from './sync-completion.js';

const COPIED_FLAGS = DMU_FLAG_COPY_FIRST | DMU_FLAG_TEMPORARY | DMU_FLAG_SYNC | DMU_FLAG_WR | DMU_FLAG_RD;

function errorBios(dmu: DmuDevice, bios: readonly Bio[]): void {
  for (const b of bios) b.endio(dmu.sim, 'EIO');
  dmu.counters.erroredBios += bios.length;
}

/** remap_request. Runs in the daemon's write() system call, charged to its thread. */
export function* remapRequest(dmu: DmuDevice, msg: MapResponse, thread: Thread | null): ProcessGenerator<void> {
  const sim = dmu.sim;
  dmu.counters.responses++;
  let ns = C.messageNs;
  // 1. The request, by id.
  let bios: Bio[] = [];
  let found = false;
  const reqs = dmu.requests;
  for (let i = 0; i < reqs.length; i++) {
    const r = reqs[i];
    if (r.type === DM_USERSPACE_MAP_BLOCK_REQ && r.id === msg.idOfReq) {
      reqs.splice(i, 1);
      ns += (i + 1) * C.nodeVisitNs;
      bios = r.bios;
      found = true;
      dmu.pool.free();
      break;
    }
  }
  if (!found) {
    ns += reqs.length * C.nodeVisitNs;
    dmu.counters.unsolicited++;
  }
  dmu.counters.requestScanVisits += reqs.length;
  // Device numbers of the answer (find_target). The kernel logs "Remap error: chaos may
  // ensue" and leaves the bios where they are; here they fail with EIO so the run can end.
  const src = (msg.flags & DMU_FLAG_COPY_FIRST) !== 0 ? dmu.targetDevs.get(msg.src) : null;
  if (src === undefined) {
    dmu.error(`Failed to find src device ${msg.src}`);
    errorBios(dmu, bios);
    return;
  }
  const dest = dmu.targetDevs.get(msg.dst);
  if (dest === undefined) {
    dmu.error(`Failed to find dest device ${msg.dst}`);
    errorBios(dmu, bios);
    return;
  }
  // 2. A remap object.
  ns += dmu.allocNs;
  const remap = dmu.mru.alloc(dmu.params.remapLimit);
  if (remap === null) {
    dmu.error('Failed to alloc remap!');
    errorBios(dmu, bios);
    return;
  }
  remap.init(dmu);
  remap.orgBlock = msg.orgBlock;
  // 3. What is there already.
  let chained = false;
  const parent = dmu.remaps.find(msg.orgBlock);
  ns += Math.max(1, dmu.remaps.visits) * C.nodeVisitNs;
  dmu.counters.lookupVisits += dmu.remaps.visits;
  if (parent !== null) {
    dmu.mru.hit(parent);
    if (parent.has(DMU_FLAG_INUSE)) {
      if (!parent.has(DMU_FLAG_VALID)) {
        if ((parent.flags & DMU_FLAG_WR) === (msg.flags & DMU_FLAG_WR) && parent.newBlock === msg.newBlock) {
          // Same permissions and place: the bios join the pending remap.
          for (const b of bios) parent.bios.push(b);
          dmu.mru.free(remap);
          dmu.counters.merged++;
          const c = chargeCpu(sim, thread, ns);
          if (c !== null) yield c;
          return;
        }
        dmu.remaps.delete(parent);
        parent.next = remap;
        parent.flags |= DMU_FLAG_TEMPORARY;
        chained = true;
        dmu.counters.chained++;
      } else {
        // The patch only clears INUSE (__free_remap) and leaves the old remap on its chain,
        // where later lookups find it first; here it leaves the table (docs/userspace.md).
        dmu.remaps.delete(parent);
        dmu.mru.free(parent);
        dmu.counters.replaced++;
      }
    }
  }
  // 4. Insert.
  const rehash = dmu.remaps.insert(remap, C);
  ns += rehash;
  dmu.counters.rehashNs += rehash;
  if ((msg.flags & DMU_FLAG_SYNC) !== 0) {
    dmu.inFlight.push(remap);
    remap.flags |= DMU_FLAG_WAITING;
  }
  remap.newBlock = msg.newBlock;
  remap.offset = msg.offset;
  remap.src = src;
  remap.dest = dest;
  remap.id = msg.idOfReq;
  remap.flags = (remap.flags & ~COPIED_FLAGS & ~DMU_FLAG_VALID) | (msg.flags & COPIED_FLAGS);
  remap.bios = bios;
  const c = chargeCpu(sim, thread, ns);
  if (c !== null) yield c;
  // 5.
  if (!chained) yield* copyOrFlush(dmu, remap, thread);
}

/** copy_or_flush */
export function* copyOrFlush(dmu: DmuDevice, remap: DmuMap, thread: Thread | null): ProcessGenerator<void> {
  if (remap.has(DMU_FLAG_COPY_FIRST)) {
    dmu.counters.copies++;
    const n = dmu.blockSectors;
    dmu.kc.copy(
      { dev: remap.src!, sector: remap.orgBlock * n, count: n },
      [{ dev: remap.dest!, sector: remap.newBlock * n + remap.offset, count: n }],
      copyCallback,
      remap,
      thread,
    );
    return;
  }
  yield* remapFlusher(dmu, remap, thread);
}

/** copy_callback: kcopyd's notify, in its worker. */
function* copyCallback(_readErr: boolean, _writeErr: boolean, context: unknown, worker: Thread): ProcessGenerator<void> {
  const remap = context as DmuMap;
  yield* remapFlusher(remap.owner as DmuDevice, remap, worker);
}

/** __bio_remap */
export function bioRemap(dmu: DmuDevice, bio: Bio, remap: DmuMap): void {
  bio.sector = remap.newBlock * dmu.blockSectors + (bio.sector % dmu.blockSectors) + remap.offset;
}

/** remap_flusher: the parked bios go out one by one; VALID once none is left. */
export function* remapFlusher(dmu: DmuDevice, remap: DmuMap, thread: Thread | null): ProcessGenerator<void> {
  for (;;) {
    const bio = remap.bios.shift();
    if (bio === undefined) {
      remap.flags |= DMU_FLAG_VALID;
      break;
    }
    bioRemap(dmu, bio, remap);
    dmu.counters.flushed++;
    const c = chargeCpu(dmu.sim, thread, C.flushBioNs);
    if (c !== null) yield c;
    if (thread !== null) bio.thread = thread;
    yield* submitRemapped(dmu, bio, remap.dest!);
  }
  const next = remap.next;
  remap.next = null;
  if (next !== null) yield* copyOrFlush(dmu, next, thread);
  if (remap.has(DMU_FLAG_TEMPORARY)) dmu.mru.free(remap);
}
