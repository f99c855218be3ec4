// A formatted persistent-data metadata device on a fake disk, for the tests.
import type { Bio } from '../../../kernel-lib/block/bio.js';
import type { BlockDevice } from '../../../kernel-lib/block/device.js';
import type { PowerCut } from '../../../kernel-lib/block/power-cut.js';
import type { BufioParams } from '../../../kernel-lib/dm/bufio/params.js';
import { PersistentMetadata, type CommitMode, type BtreeSplit } from '../../../kernel-lib/dm/persistent-data/index.js';
import { Simulation, type ProcessGenerator } from '../../../kernel-lib/sim/index.js';
import { FakeDevice } from '../fake-device.js';
import { QueueDevice } from '../bufio/queue-device.js';

export interface MdOptions {
  commit?: CommitMode;
  split?: BtreeSplit;
  /** false: the broken order of pdata.commitFlush (for study only). */
  commitFlush?: boolean;
  bufio?: Partial<BufioParams>;
  metaBlocks?: number;
  dataBlocks?: number;
  /** ns per bio (a function: per bio; not with boundedQueue). */
  serviceNs?: number | ((bio: Bio) => number);
  queueDepth?: number;
  /** Puts the device behind this power-cut model's volatile write cache. */
  powerCut?: PowerCut;
  /** A device whose submit sleeps while `boundedQueue` bios are in flight (served one at a time). */
  boundedQueue?: number;
}

export function makeMetadata(sim: Simulation, o: MdOptions = {}): { md: PersistentMetadata; dev: FakeDevice } {
  const fake = new FakeDevice(sim, 'meta', (o.metaBlocks ?? 1 << 16) * 8, o.serviceNs ?? 10_000, o.queueDepth ?? 1_000_000);
  fake.record = false;
  let dev: BlockDevice = o.boundedQueue ? new QueueDevice(sim, 'meta', (o.metaBlocks ?? 1 << 16) * 8, typeof o.serviceNs === 'number' ? o.serviceNs : 10_000, o.boundedQueue) : fake;
  if (o.powerCut !== undefined) dev = o.powerCut.wrap(dev);
  const md = new PersistentMetadata(sim, {
    dev,
    dataBlocks: o.dataBlocks ?? 0,
    bufio: { locking: '6.4', writeback: 'ratio', cacheBlocks: 1 << 16, ...o.bufio },
    pdata: { commit: o.commit ?? 'blocking', btreeSplit: o.split ?? 'sibling', commitFlush: o.commitFlush ?? true },
  });
  return { md, dev: fake };
}

/** Runs one process to the end and returns its value. */
export function runProcess<R>(sim: Simulation, gen: () => ProcessGenerator<R>): R {
  const p = sim.process(gen);
  sim.run();
  if (!p.processed) throw new Error('process did not finish');
  return p.value as R;
}
