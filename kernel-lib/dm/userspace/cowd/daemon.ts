// cowd, the copy-on-write daemon, with its qcow plugin: a userspace thread on the simulated
// CPUs, competing for cores with the workload and the kernel threads. Its loop:
//   wait: poll() on the control device (userspace.notify: poll), or a non-blocking read()
//         and, when it comes back empty, a sleep (notify: sleep; cowd.sleepUs, rounded to
//         the timer tick);
//   read: one read() of up to cowd.readBuffer bytes: a batch of messages in FIFO order;
//   map:  each MAP_BLOCK_REQ looks its cluster up in the qcow tables (an L2 table not in
//         memory is read through the image's page cache). Allocated: answered with the
//         image's cluster. Not allocated and a read: answered with the same block of the
//         base image, read-only (a write to it will ask again). Not allocated and a write:
//         a cluster is allocated at the end of the image and answered with COPY_FIRST from
//         the base, so the kernel copies the old block before the write lands (and SYNC
//         with cowd.sync);
//   sync: SYNC_COMPLETE status messages make cowd write its dirty metadata (fsync of the
//         image) before it answers them;
//   reply: one write() with every answer of the batch.
import type { BlockDevice } from '../../../block/device.js';
import { pageCacheDefaultsForKernel } from '../../../block/kernel-presets.js';
import { PageCache, type PageCacheOptions } from '../../../block/page-cache.js';
import { kernelVersionOf } from '../../../base/kernel-version.js';
import { chargeCpu, type Thread } from '../../../sim/cpu.js';
import type { ProcessGenerator, SimEvent } from '../../../sim/index.js';
import type { DmuDevice } from '../dmu-device.js';
import {
  DM_USERSPACE_MAP_BLOCK_REQ, DM_USERSPACE_MAP_BLOCK_RESP, DM_USERSPACE_STATUS, DM_USERSPACE_SYNC_COMPLETE,
  DMU_FLAG_COPY_FIRST, DMU_FLAG_RD, DMU_FLAG_SYNC, DMU_FLAG_WR, downBytes, type DmuDownMessage, type DmuUpMessage,
} from '../protocol.js';
import type { CowdParams } from './params.js';
import { QcowImage } from './qcow.js';

export interface CowdDevices {
  /** The base image's maj:min as the table names it, and the device. */
  base: string;
  baseDev: BlockDevice;
  /** The qcow image's. */
  image: string;
  imageDev: BlockDevice;
}

export class Cowd {
  readonly thread: Thread;
  readonly qcow: QcowImage;
  readonly counters = { batches: 0, requests: 0, toBase: 0, toImage: 0, allocations: 0, syncs: 0, sleeps: 0, maxBatch: 0 };

  constructor(
    readonly dmu: DmuDevice,
    readonly params: CowdParams,
    readonly devs: CowdDevices,
    cacheOptions: Partial<PageCacheOptions>,
    /** Sectors of the virtual disk (the target's length). */
    virtualSectors: number,
  ) {
    this.thread = dmu.cpus.thread(`cowd-${dmu.key}`);
    const cache = new PageCache(dmu.sim, devs.imageDev, dmu.cpus, cacheOptions);
    this.qcow = new QcowImage(cache, dmu.blockSectors * 512, Math.ceil(virtualSectors / dmu.blockSectors), params.l2Cache);
  }

  *run(ready: SimEvent<unknown>): ProcessGenerator<void> {
    const t = this.thread;
    const ctl = this.dmu.ctl;
    const p = this.params;
    const sleep = this.dmu.params.notify === 'sleep';
    yield* this.qcow.open(t);
    ready.succeed(undefined);
    const batch: DmuUpMessage[] = [];
    for (;;) {
      if (!sleep) yield* ctl.poll(t);
      batch.length = 0;
      const n = yield* ctl.read(t, p.readBuffer, sleep, batch);
      if (n === 0) {
        if (sleep) yield* this.nap();
        continue;
      }
      this.counters.batches++;
      if (batch.length > this.counters.maxBatch) this.counters.maxBatch = batch.length;
      const answers: DmuDownMessage[] = [];
      let syncs = 0;
      for (const m of batch) {
        const c = chargeCpu(this.dmu.sim, t, p.requestNs);
        if (c !== null) yield c;
        if (m.type === DM_USERSPACE_MAP_BLOCK_REQ) answers.push(yield* this.map(m));
        else if (m.type === DM_USERSPACE_STATUS && m.status === DM_USERSPACE_SYNC_COMPLETE) {
          syncs++;
          answers.push({ type: DM_USERSPACE_STATUS, id: 0, status: DM_USERSPACE_SYNC_COMPLETE, idOfOp: m.id });
        }
      }
      if (syncs > 0) {
        // The metadata the held writes depend on reaches the disk before they complete.
        this.counters.syncs++;
        yield* this.qcow.cache.fsync(t);
      }
      if (answers.length > 0) yield* ctl.write(t, answers, downBytes(answers));
    }
  }

  /** usleep(sleepUs): until the first timer tick at least sleepUs plus one tick away. */
  private *nap(): ProcessGenerator<void> {
    const sim = this.dmu.sim;
    const tick = 1e9 / this.params.hz;
    const wake = Math.ceil((sim.now + this.params.sleepUs * 1e3 + tick) / tick) * tick;
    this.counters.sleeps++;
    yield sim.timeout(wake - sim.now);
  }

  private *map(m: DmuUpMessage): ProcessGenerator<DmuDownMessage> {
    this.counters.requests++;
    const write = (m.flags & DMU_FLAG_WR) !== 0;
    const r = yield* this.qcow.lookup(m.block, write, this.thread);
    const d = this.devs;
    const resp = { orgBlock: m.block, newBlock: m.block, offset: 0, idOfReq: m.id, flags: DMU_FLAG_RD, src: '', dst: d.base };
    if (r.kind === 'unallocated') {
      this.counters.toBase++;
    } else {
      this.counters.toImage++;
      resp.newBlock = r.cluster;
      resp.dst = d.image;
      resp.flags |= DMU_FLAG_WR;
      if (r.kind === 'allocated') {
        this.counters.allocations++;
        resp.flags |= DMU_FLAG_COPY_FIRST | (this.params.sync ? DMU_FLAG_SYNC : 0);
        resp.src = d.base;
      }
    }
    return { type: DM_USERSPACE_MAP_BLOCK_RESP, id: m.id, resp };
  }
}

const daemons = new WeakMap<DmuDevice, Cowd>();

/** The cowd serving a dmu_device, if one was started. */
export function cowdOf(dmu: DmuDevice): Cowd | undefined {
  return daemons.get(dmu);
}

/** Starts cowd on a dmu_device; the event fires once it has opened the image. */
export function startCowd(dmu: DmuDevice, params: CowdParams, devs: CowdDevices, all: Readonly<Record<string, unknown>>, virtualSectors: number): SimEvent<unknown> {
  const v = kernelVersionOf(all.kernel);
  const options: Record<string, unknown> = v === undefined ? {} : { ...pageCacheDefaultsForKernel(v) };
  for (const [k, val] of Object.entries(all)) if (k.startsWith('pagecache.')) options[k.slice(10)] = val;
  const cowd = new Cowd(dmu, params, devs, options as Partial<PageCacheOptions>, virtualSectors);
  daemons.set(dmu, cowd);
  const ready = dmu.sim.event<unknown>();
  cowd.thread.spawn(cowd.run(ready));
  return ready;
}
