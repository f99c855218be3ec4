// The `userspace` target (dm-userspace.c, Dan Smith and Ryan Grimm, July 2006):
//   <start> <length> userspace <key> <block_size bytes> <maj:min> [<maj:min>...]
// Targets with the same key share one dmu_device (dmu-device.ts); the devices listed are the
// ones the daemon may remap blocks to. Bios are split at block boundaries (ti->split_io).
// dmu_map, for a bio to block b = sector >> block_shift:
//   1. the remap table: a VALID remap whose permissions allow the bio (a write needs WR)
//      remaps it at once, no message; a remap not yet valid parks the bio on it;
//   2. else an outstanding MAP_BLOCK_REQ for b (a linear scan of dev->requests, keeping the
//      last match) takes the bio; a read request not yet sent becomes RW for a write, one
//      already sent cannot, and the write makes a new request;
//   3. else a new request (from the request mempool) goes on the tail and wakes the daemon.
import type { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import { chargeCpu } from '../../sim/cpu.js';
import type { ProcessGenerator, SimEvent } from '../../sim/index.js';
import { InputError } from '../../base/input-error.js';
import { KcopydClient } from '../kcopyd/client.js';
import { KCOPYD_PARAMS, parseKcopydParams } from '../kcopyd/params.js';
import { ControlDevice } from '../control-device.js';
import type { TableLine } from '../table.js';
import { registerTarget, targetCpus, type DmTarget, type TargetArgs, type TargetContext } from '../target-registry.js';
import { DmuChardev } from './chardev.js';
import { USERSPACE_COSTS as C } from './costs.js';
import { CHARDEV_COSTS, DMU_COPY_PAGES, DMU_KEY_LEN, DMU_MINORS, DmuDevice, dmuDevices } from './dmu-device.js';
import { USERSPACE_PARAMS, parseUserspaceParams } from './params.js';
import { DM_USERSPACE_MAP_BLOCK_REQ, DMU_FLAG_INUSE, DMU_FLAG_RD, DMU_FLAG_VALID, DMU_FLAG_WR } from './protocol.js';
import { bioRemap } from './remap-request.js';
import { UserspaceRequest } from './request.js';
import { submitRemapped } from './sync-completion.js';
import { COWD_PARAMS, parseCowdParams } from './cowd/params.js';
import { startCowd } from './cowd/daemon.js';

export class UserspaceTarget implements DmTarget {
  readonly type = 'userspace';
  readonly maxIoLen: number;
  ready: SimEvent<unknown> | null = null;

  constructor(
    readonly dmu: DmuDevice,
    readonly devices: readonly BlockDevice[],
  ) {
    this.maxIoLen = dmu.blockSectors;
  }

  *map(clone: Bio): ProcessGenerator<BlockDevice | null> {
    const dmu = this.dmu;
    const r = this.decide(clone);
    const c = chargeCpu(dmu.sim, clone.thread, this.costNs);
    if (c !== null) yield c;
    if (r === null) return null;
    if (dmu.inFlight.length === 0) return r;
    yield* submitRemapped(dmu, clone, r);
    return null;
  }

  private costNs = 0;

  /** dmu_map without its CPU time: the device to send the remapped bio to, or null (held). */
  private decide(bio: Bio): BlockDevice | null {
    const dmu = this.dmu;
    const block = dmu.block(bio.sector);
    const write = bio.isWrite;
    dmu.counters.mapped++;
    let ns = C.mapNs;
    const remap = dmu.remaps.find(block);
    ns += Math.max(1, dmu.remaps.visits) * C.nodeVisitNs;
    dmu.counters.lookupVisits += dmu.remaps.visits;
    if (remap !== null) {
      dmu.mru.hit(remap);
      // dmu_map_remap_case
      if (remap.has(DMU_FLAG_INUSE) && remap.orgBlock === block && !(write && !remap.has(DMU_FLAG_WR))) {
        this.costNs = ns;
        if (remap.has(DMU_FLAG_VALID)) {
          bioRemap(dmu, bio, remap);
          dmu.counters.remapHits++;
          return remap.dest;
        }
        remap.bios.push(bio);
        dmu.counters.parked++;
        return null;
      }
    }
    // find_existing_req: the whole list, the last match wins.
    const reqs = dmu.requests;
    let req: UserspaceRequest | null = null;
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i];
      if (r.type === DM_USERSPACE_MAP_BLOCK_REQ && r.block === block) req = r;
    }
    ns += reqs.length * C.nodeVisitNs;
    dmu.counters.requestScanVisits += reqs.length;
    if (req !== null) {
      // dmu_map_request_case
      const reqWr = (req.flags & DMU_FLAG_WR) !== 0;
      if (!reqWr && write && !req.sent) {
        req.flags |= DMU_FLAG_WR;
        req.bios.push(bio);
        dmu.counters.upgradedRequest++;
        this.costNs = ns;
        return null;
      }
      if (!(!reqWr && write && req.sent)) {
        req.bios.push(bio);
        dmu.counters.joinedRequest++;
        this.costNs = ns;
        return null;
      }
    }
    // make_new_request
    ns += dmu.allocNs;
    dmu.pool.alloc();
    const nr = new UserspaceRequest(DM_USERSPACE_MAP_BLOCK_REQ, dmu.nextId(), DMU_FLAG_RD | (write ? DMU_FLAG_WR : 0), block);
    nr.bios.push(bio);
    dmu.counters.requests++;
    this.costNs = ns;
    dmu.addRequest(nr);
    return null;
  }

  status(): Record<string, unknown> {
    const d = this.dmu;
    const ctl = d.ctl.counters;
    return {
      key: d.key,
      block_size: d.blockSectors * 512,
      control_device: `${DMU_CONTROL_MAJOR}:${d.minor}`,
      remap_cache: d.params.remapCache,
      remaps: d.remaps.count,
      ...('size' in d.remaps ? { hash_buckets: (d.remaps as { size: number }).size, hash_grows: (d.remaps as unknown as { grows: number }).grows } : {}),
      ...d.counters,
      requests_max_in_use: d.pool.maxInUse,
      remap_objects: d.mru.allocated,
      remap_steals: d.mru.steals,
      ctl_reads: ctl.reads,
      ctl_empty_reads: ctl.emptyReads,
      ctl_writes: ctl.writes,
      ctl_polls: ctl.polls,
      ctl_wakeups: ctl.wakeups,
      ctl_messages_up: ctl.messagesUp,
      ctl_messages_down: ctl.messagesDown,
      kcopyd_copies: d.kc.stats.copies,
      ...(d.log.length > 0 ? { log: d.log } : {}),
    };
  }

  /** dmu_status(STATUSTYPE_INFO): the control device's major:minor, in hex as the kernel prints it. */
  statusLine(): string {
    return `${DMU_CONTROL_MAJOR.toString(16)}:${this.dmu.minor.toString(16)}`;
  }
}

/** alloc_chrdev_region gives a dynamic major; the first free one below 255 on a 2006 machine [R]. */
export const DMU_CONTROL_MAJOR = 254;

function userspaceCtr(ctx: TargetContext, line: TableLine, args: TargetArgs): DmTarget {
  if (args.count < 3) throw args.error('Invalid argument count (expects <key> <block_size> <maj:min> [<maj:min>...])');
  const key = args.word(0, 'key');
  if (key.length >= DMU_KEY_LEN) throw args.error(`<key> is longer than ${DMU_KEY_LEN - 1} characters`, 'key');
  const bytes = args.integer(1, 'block_size', 1);
  const sectors = bytes / 512;
  if (!(Number.isInteger(sectors) && sectors >= 1 && (sectors & (sectors - 1)) === 0)) {
    throw args.error(`<block_size> must be a power of two number of bytes, at least 512, got ${bytes}`, 'block_size');
  }
  let params;
  let kcopyd;
  let cowd;
  try {
    params = parseUserspaceParams(ctx.params);
    kcopyd = parseKcopydParams(ctx.params);
    cowd = parseCowdParams(ctx.params);
  } catch (err) {
    if (err instanceof InputError) throw args.error(err.reason, err.field);
    throw err;
  }
  const sim = ctx.sim;
  const cpus = targetCpus(ctx, 1);
  const registry = dmuDevices(sim);
  let dmu = registry.get(key);
  const created = dmu === undefined;
  if (dmu === undefined) {
    if (registry.size >= DMU_MINORS) throw args.error(`no free control-device minor (the region holds ${DMU_MINORS})`, 'key');
    if (kcopyd.pool === 'hard' && ctx.params['kcopyd.pages'] === undefined) kcopyd.pages = DMU_COPY_PAGES;
    const kc = new KcopydClient(sim, cpus, `dmu-${key}`, kcopyd);
    dmu = new DmuDevice(sim, cpus, key, registry.size, sectors, params, kc);
    dmu.ctl = new ControlDevice(sim, `/dev/dmu${dmu.minor}`, CHARDEV_COSTS, new DmuChardev(dmu));
    registry.set(key, dmu);
  } else if (dmu.blockSectors !== sectors) {
    throw args.error(`Invalid block size: key '${key}' has ${dmu.blockSectors * 512}`, 'block_size');
  }
  const devices: BlockDevice[] = [];
  const words: string[] = [];
  for (let i = 2; i < args.count; i++) {
    const name = `target dev ${i - 1}`;
    const dev = args.device(i, name);
    const w = args.word(i, name);
    devices.push(dev);
    words.push(w);
    dmu.targetDevs.set(w, dev);
    dmu.targetDevs.set(dev.name, dev);
  }
  dmu.users++;
  const target = new UserspaceTarget(dmu, devices);
  if (created && cowd.start) {
    if (devices.length < 2) throw args.error('cowd (cowd.start: true) needs the base image first and the qcow image last: give two devices, or set cowd.start: false', 'target dev 2');
    target.ready = startCowd(dmu, cowd, { base: words[0], image: words[words.length - 1], baseDev: devices[0], imageDev: devices[devices.length - 1] }, ctx.params, line.length);
  }
  return target;
}

registerTarget({ name: 'userspace', ctr: userspaceCtr, params: [USERSPACE_PARAMS, COWD_PARAMS, KCOPYD_PARAMS] });
