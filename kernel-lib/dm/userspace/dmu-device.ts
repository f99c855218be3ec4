// struct dmu_device: what the targets sharing one key share (dmu_ctr finds the device by its
// key or makes it): the block size, the target devices the daemon may remap to (by their
// maj:min), the request list, the remap table, the in-flight SYNC remaps, the id counter,
// a kcopyd client (DMU_COPY_PAGES) and the control device (one per dmu_device, minors from a
// region of 10). Devices are per simulated machine, keyed like the kernel's `devices` list.
import type { BlockDevice } from '../../block/device.js';
import type { CpuSet } from '../../sim/cpu.js';
import type { Simulation } from '../../sim/index.js';
import { ControlDevice } from '../control-device.js';
import type { KcopydClient } from '../kcopyd/client.js';
import { USERSPACE_COSTS } from './costs.js';
import type { UserspaceParams } from './params.js';
import type { DmuDownMessage, DmuUpMessage } from './protocol.js';
import { DMU_FLAG_INUSE } from './protocol.js';
import type { DmuMap } from './remap.js';
import { mruListOf, type MruList, type RemapOwner } from './remap-allocator.js';
import { RemapHashTable } from './remap-hash.js';
import { RemapList } from './remap-list.js';
import type { RemapStore } from './remap-store.js';
import { RequestPool, type UserspaceRequest } from './request.js';

/** DMU_COPY_PAGES: the pages of each device's kcopyd client. */
export const DMU_COPY_PAGES = 256;
/** alloc_chrdev_region(&dmu_dev, 0, 10, "dm-userspace") */
export const DMU_MINORS = 10;
export const DMU_KEY_LEN = 256;

/** The control device's costs on the 2006 machine [R] (docs/userspace.md). */
export const CHARDEV_COSTS = Object.freeze({ syscallNs: 500, copyNsPerByte: 0.5, pollNs: 800 });

export class DmuDevice implements RemapOwner {
  readonly blockShift: number;
  readonly blockMask: number;
  /** dev->requests: FIFO, scanned linearly. */
  readonly requests: UserspaceRequest[] = [];
  readonly remaps: RemapStore;
  /** dev->in_flight: SYNC remaps whose completions may be held. */
  readonly inFlight: DmuMap[] = [];
  /** The devices the table named, by the maj:min the daemon uses in its answers. */
  readonly targetDevs = new Map<string, BlockDevice>();
  readonly mru: MruList;
  readonly pool = new RequestPool();
  ctl!: ControlDevice<DmuUpMessage, DmuDownMessage>;
  private idCounter = 1; // 0 is reserved for unsolicited maps
  /** Targets using the device (kref users). */
  users = 0;
  readonly counters = {
    mapped: 0, remapHits: 0, parked: 0, joinedRequest: 0, upgradedRequest: 0, requests: 0,
    responses: 0, unsolicited: 0, merged: 0, chained: 0, replaced: 0, copies: 0, flushed: 0,
    invalidated: 0, invalidFailed: 0, syncHeld: 0, syncCompleted: 0, mapFailed: 0, errors: 0, erroredBios: 0,
    lookupVisits: 0, requestScanVisits: 0, rehashNs: 0,
  };
  /** What went wrong, as the kernel's DMERR lines (first few). */
  readonly log: string[] = [];

  constructor(
    readonly sim: Simulation,
    readonly cpus: CpuSet,
    readonly key: string,
    readonly minor: number,
    /** Block size in sectors (a power of two). */
    readonly blockSectors: number,
    readonly params: UserspaceParams,
    readonly kc: KcopydClient,
  ) {
    this.blockShift = Math.log2(blockSectors);
    this.blockMask = blockSectors - 1;
    this.remaps = params.remapCache === 'hash' ? new RemapHashTable() : new RemapList();
    this.mru = mruListOf(sim);
  }

  /** dmu_block */
  block(sector: number): number {
    return Math.floor(sector / this.blockSectors);
  }

  /** The next request id (dev->id_counter, skipping 0 when it wraps). */
  nextId(): number {
    this.idCounter = (this.idCounter + 1) >>> 0;
    if (this.idCounter === 0) this.idCounter = 1;
    return this.idCounter;
  }

  /** Cost of allocating a request or a remap object. */
  get allocNs(): number {
    return this.params.allocator === 'slab' ? USERSPACE_COSTS.slabAllocNs : USERSPACE_COSTS.kmallocNs;
  }

  /** add_request: to the tail of the list, then wake_up(&dev->wqueue). */
  addRequest(req: UserspaceRequest): void {
    this.requests.push(req);
    this.ctl.wakeUp();
  }

  /** have_pending_requests: any request not sent yet. */
  hasPending(): boolean {
    for (const r of this.requests) if (!r.sent) return true;
    return false;
  }

  /** A stolen remap leaves this device's table (alloc_remap_atomic). */
  forget(map: DmuMap): void {
    if (map.has(DMU_FLAG_INUSE)) this.remaps.delete(map);
  }

  error(message: string): void {
    this.counters.errors++;
    if (this.log.length < 20) this.log.push(`device-mapper: dm-userspace: ${message}`);
  }
}

/** The devices list: dmu_devices by key, one list per simulated machine. */
const registries = new WeakMap<Simulation, Map<string, DmuDevice>>();

export function dmuDevices(sim: Simulation): Map<string, DmuDevice> {
  let r = registries.get(sim);
  if (r === undefined) registries.set(sim, (r = new Map()));
  return r;
}
