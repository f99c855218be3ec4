// dm-io (dm-io.c): one I/O to a set of regions, possibly on several devices, with a single
// completion. kcopyd reads its source region with one dm_io call and writes all destination
// regions with another; persistent exception stores write their metadata area with it.
// Each region becomes bios of at most `maxSectors` (do_region() cuts at the queue's limits);
// the call completes when the last bio does, with the first error seen.
//   const done = yield* dmIo(sim, { op: 'write', regions: [{ dev, sector, count }] });
//   yield done;                 // synchronous dm_io: wait for it
// or pass `notify` for the asynchronous form (io_notify_fn).
import { Bio, type BioOp } from '../block/bio.js';
import type { BlockDevice } from '../block/device.js';
import type { Thread } from '../sim/cpu.js';
import type { ProcessGenerator, SimEvent, Simulation } from '../sim/index.js';
import { CONTENT_BLOCK_SECTORS, inheritBioPayload, setBioPayload, type BioPayload } from '../block/bio-payload.js';

/** struct dm_io_region */
export interface DmIoRegion {
  dev: BlockDevice;
  sector: number;
  count: number;
}

export interface DmIoRequest {
  op: BioOp;
  flags?: number;
  regions: readonly DmIoRegion[];
  /** Largest bio issued (sectors); default: no cut. */
  maxSectors?: number;
  /** Submitting thread and CPU, carried on every bio. */
  thread?: Thread | null;
  cpu?: number;
  /** io_notify_fn: called once with the error (null on success) when all bios completed. */
  notify?: (error: string | null) => void;
  /** A bio whose payload (data description) the writes carry. */
  payloadFrom?: Bio;
  /** Or the payload itself (the first bio's first block holds its fingerprint). */
  payload?: BioPayload;
}

/** struct io: the countdown of one dm_io call. */
class DmIoCall {
  count = 1;
  error: string | null = null;
  constructor(
    readonly done: SimEvent<string | null>,
    readonly notify: ((error: string | null) => void) | undefined,
  ) {}
}

function endIo(bio: Bio): void {
  const call = bio.private as DmIoCall;
  if (bio.status !== null && call.error === null) call.error = bio.status;
  dec(call);
}

function dec(call: DmIoCall): void {
  if (--call.count > 0) return;
  if (call.notify !== undefined) call.notify(call.error);
  call.done.succeed(call.error);
}

/**
 * Submits the bios of one dm_io call (in the caller's context: submission may sleep on a full
 * queue) and returns the event of its completion, whose value is the error or null.
 */
export function* dmIo(sim: Simulation, req: DmIoRequest): ProcessGenerator<SimEvent<string | null>> {
  const call = new DmIoCall(sim.event<string | null>(), req.notify);
  const max = req.maxSectors !== undefined && req.maxSectors > 0 ? req.maxSectors : Infinity;
  for (const region of req.regions) {
    let sector = region.sector;
    let remaining = region.count;
    // A zero-count region is a flush to that device.
    do {
      const n = Math.min(remaining, max);
      const bio = new Bio(req.op, sector, n, req.flags ?? 0);
      bio.thread = req.thread ?? null;
      bio.cpu = req.cpu ?? 0;
      bio.private = call;
      bio.endIo = endIo;
      if (req.payloadFrom !== undefined) inheritBioPayload(bio, req.payloadFrom);
      else if (req.payload !== undefined) setBioPayload(bio, req.payload, Math.floor((sector - region.sector) / CONTENT_BLOCK_SECTORS));
      call.count++;
      yield* region.dev.submit(bio);
      sector += n;
      remaining -= n;
    } while (remaining > 0);
  }
  dec(call);
  return call.done;
}
