// The chardev transport (dm-userspace-chardev.c): what the control device's read() and
// write() do on a dmu_device.
//   read: pluck_next_request walks dev->requests from the head to the first request not yet
//   sent, and packs it if it fits in what is left of the buffer; it stops at the first one
//   that does not fit, to keep FIFO order. Each pluck starts again from the head, so it
//   passes every request sent and not yet answered. MAP_BLOCK_REQ stays on the list, marked
//   sent; other messages are freed once sent.
//   write: each message in turn: MAP_BLOCK_RESP (remap_request), MAP_FAILED (logged),
//   MAP_INVALIDATE, STATUS (SYNC_COMPLETE), GET_VERSION.
// The kernel's size check compares only the payload's size with the room left, so a buffer
// a few bytes short of a whole message is overrun; here a message is packed only when it
// fits whole, and a buffer smaller than one message reads 0 bytes (docs/userspace.md).
import { chargeCpu, type Thread } from '../../sim/cpu.js';
import type { ProcessGenerator } from '../../sim/index.js';
import type { ControlDeviceDriver } from '../control-device.js';
import { USERSPACE_COSTS as C } from './costs.js';
import type { DmuDevice } from './dmu-device.js';
import {
  DM_USERSPACE_GET_VERSION, DM_USERSPACE_INVAL_COMPLETE, DM_USERSPACE_INVAL_FAILED, DM_USERSPACE_MAP_BLOCK_REQ,
  DM_USERSPACE_MAP_BLOCK_RESP, DM_USERSPACE_MAP_FAILED, DM_USERSPACE_MAP_INVALIDATE, DM_USERSPACE_STATUS,
  DM_USERSPACE_SYNC_COMPLETE, DMU_FLAG_RD, DMU_FLAG_VALID, DMU_FLAG_WR, dmuMessageBytes,
  type DmuDownMessage, type DmuUpMessage,
} from './protocol.js';
import { remapRequest } from './remap-request.js';
import { UserspaceRequest } from './request.js';
import { syncComplete } from './sync-completion.js';

/** The wire type of a request (status codes go up as STATUS). */
function wireType(type: number): number {
  return type === DM_USERSPACE_MAP_BLOCK_REQ || type === DM_USERSPACE_GET_VERSION ? type : DM_USERSPACE_STATUS;
}

export class DmuChardev implements ControlDeviceDriver<DmuUpMessage, DmuDownMessage> {
  constructor(private readonly dmu: DmuDevice) {}

  readable(): boolean {
    return this.dmu.hasPending();
  }

  *fill(bufBytes: number, out: DmuUpMessage[], thread: Thread | null): ProcessGenerator<number> {
    const dmu = this.dmu;
    let ret = 0;
    let ns = 0;
    const reqs = dmu.requests;
    for (;;) {
      // pluck_next_request
      let i = 0;
      while (i < reqs.length && reqs[i].sent) i++;
      ns += Math.min(i + 1, reqs.length) * C.nodeVisitNs;
      if (i >= reqs.length) break;
      const req = reqs[i];
      const bytes = dmuMessageBytes(wireType(req.type));
      if (bytes > bufBytes - ret) break;
      req.sent = true;
      ns += C.packNs;
      ret += bytes;
      if (req.type === DM_USERSPACE_MAP_BLOCK_REQ) {
        out.push({ type: req.type, id: req.id, block: req.block, flags: req.flags & (DMU_FLAG_RD | DMU_FLAG_WR), status: 0 });
      } else {
        out.push({ type: wireType(req.type), id: req.id, block: req.block, flags: 0, status: req.status });
        reqs.splice(i, 1);
        dmu.pool.free();
      }
    }
    dmu.counters.requestScanVisits += Math.round(ns / C.nodeVisitNs);
    const c = chargeCpu(dmu.sim, thread, ns);
    if (c !== null) yield c;
    return ret;
  }

  *consume(msgs: readonly DmuDownMessage[], thread: Thread | null): ProcessGenerator<void> {
    const dmu = this.dmu;
    for (const m of msgs) {
      switch (m.type) {
        case DM_USERSPACE_MAP_BLOCK_RESP:
          yield* remapRequest(dmu, m.resp, thread);
          break;
        case DM_USERSPACE_MAP_FAILED:
          dmu.counters.mapFailed++;
          dmu.error('Userspace map failed');
          break;
        case DM_USERSPACE_MAP_INVALIDATE:
          yield* this.invalidate(m.block, m.id, thread);
          break;
        case DM_USERSPACE_STATUS: {
          let ns = C.messageNs;
          if (m.status === DM_USERSPACE_SYNC_COMPLETE) ns += syncComplete(dmu, m.idOfOp) * C.nodeVisitNs;
          const c = chargeCpu(dmu.sim, thread, ns);
          if (c !== null) yield c;
          break;
        }
        case DM_USERSPACE_GET_VERSION:
          dmu.pool.alloc();
          dmu.addRequest(new UserspaceRequest(DM_USERSPACE_GET_VERSION, dmu.nextId(), 0, 0));
          break;
        default:
          dmu.error(`Unknown request type: ${(m as { type: number }).type}`);
      }
    }
  }

  /** invalidate_request: a valid remap leaves the table; the daemon hears INVAL_COMPLETE or INVAL_FAILED. */
  private *invalidate(block: number, id: number, thread: Thread | null): ProcessGenerator<void> {
    const dmu = this.dmu;
    const remap = dmu.remaps.find(block);
    let ok = false;
    if (remap !== null && remap.has(DMU_FLAG_VALID)) {
      dmu.remaps.delete(remap);
      ok = true;
    }
    if (ok) dmu.counters.invalidated++;
    else dmu.counters.invalidFailed++;
    const c = chargeCpu(dmu.sim, thread, C.messageNs + Math.max(1, dmu.remaps.visits) * C.nodeVisitNs + dmu.allocNs);
    if (c !== null) yield c;
    dmu.pool.alloc();
    const status = ok ? DM_USERSPACE_INVAL_COMPLETE : DM_USERSPACE_INVAL_FAILED;
    dmu.addRequest(new UserspaceRequest(status, id, 0, block, status));
  }
}
