// dm-vdo's model parameters (`vdo.*`). The table line carries what the kernel's constructor
// takes; these are what the question adds:
//   threads        dedicated | workqueue | structure-locking: who runs a data_vio's steps
//                  (vdo.ts, work-queue.ts, executors.ts say how each works);
//   journalOrder   kept | broken: broken releases committed recovery-journal entries to the
//                  slab journals out of journal order (for study only: what the order rules out);
//   blockMapTree   fresh | allocated: the volume's block-map trees as a newly formatted volume
//                  has them (nothing below the roots: the first write under each entry
//                  allocates its pages) or as a volume written over once and then discarded
//                  (mkfs, fstrim: discards unmap blocks but leave the tree pages) has them
//                  (every page for the logical space on storage, read when first needed);
//   slabSizeMb     the slab size chosen at format time (LVM's vdo_slab_size_mb, default 2048);
//   kworkers       kworker threads of the workqueue designs' pool (0: one per core);
//   udsThreads     threads of the dedupe index (UDS zones; 0: one per hash zone, as VDO sizes it),
//                  the same in all three designs;
//   costs (ns of CPU, the same in the three designs; fitted once on docs/references.md#vdo-2023,
//   see scenario/calibration/vdo-2023.ts):
//     stepNs       one callback of the write path on its thread (lookups, list and map updates);
//     queueNs      putting a completion on a queue (funnel-queue put, or queue_work);
//     wakeNs       waking the thread (or kworker) that serves the queue when it sleeps, paid by the waker;
//     lockNs       taking and dropping one uncontended lock (structure-locking's zone locks);
//     hashNs       MurmurHash3 x64-128 over 4 KiB;
//     compressNs   LZ4 over 4 KiB of compressible data;
//     lz4IncompressibleNs  LZ4 over 4 KiB that does not compress (it skips ahead faster when it finds no matches);
//     compareNs    comparing two 4 KiB blocks (verifying a duplicate);
//     udsNs        one UDS index request (query or update) on an index thread;
//     ackNs        bio_endio of a user bio (the submitter's completion work it runs);
//     launchNs     vdo_launch_bio on the submitting thread (take a data_vio, copy the data in);
//   burstNs        a thread that owns its queue (the dedicated design's, the index's) runs the
//                  callbacks it finds back to back, as funnel-workqueue.c's service_work_queue
//                  does, and spends their CPU in bursts of at least this many ns (executor.ts
//                  serveCompletions); 0: a burst per callback, each callback's effects exactly
//                  when its CPU is spent. Default 2000 [R: a resolution of the model, not a
//                  kernel figure: four callbacks of stepNs; a callback's effects come up to a
//                  burst early. docs/vdo.md "Bursts" gives what it moves];
//   traceDataVios  keep the thread-by-thread trace of the first N data_vio launches (notebooks, tests).
import { InputError } from '../../base/input-error.js';
import type { ParamNamespace } from '../target-registry.js';

export const VDO_THREAD_DESIGNS = ['dedicated', 'workqueue', 'structure-locking'] as const;
export type VdoThreadDesign = (typeof VDO_THREAD_DESIGNS)[number];

export interface VdoCosts {
  stepNs: number;
  queueNs: number;
  wakeNs: number;
  lockNs: number;
  hashNs: number;
  compressNs: number;
  lz4IncompressibleNs: number;
  compareNs: number;
  udsNs: number;
  ackNs: number;
  launchNs: number;
}

export interface VdoParams {
  threads: VdoThreadDesign;
  journalOrder: 'kept' | 'broken';
  blockMapTree: 'fresh' | 'allocated';
  slabSizeMb: number;
  kworkers: number;
  udsThreads: number;
  traceDataVios: number;
  burstNs: number;
  costs: VdoCosts;
}

/** The fitted costs [C: docs/references.md#vdo-2023, the busiest threads' load; see scenario/calibration/vdo-2023.ts]. */
export const DEFAULT_VDO_COSTS: VdoCosts = {
  stepNs: 500,
  queueNs: 100,
  wakeNs: 600,
  lockNs: 60,
  hashNs: 1500,
  compressNs: 8000,
  lz4IncompressibleNs: 2000,
  compareNs: 300,
  udsNs: 1500,
  ackNs: 1500,
  launchNs: 1500,
};

const NUMBERS: Record<string, { min: number; max: number; integer?: boolean }> = {
  slabSizeMb: { min: 1, max: 32 * 1024, integer: true },
  kworkers: { min: 0, max: 8192, integer: true },
  udsThreads: { min: 0, max: 16, integer: true },
  traceDataVios: { min: 0, max: 100_000, integer: true },
  burstNs: { min: 0, max: 1e6 },
};
for (const k of Object.keys(DEFAULT_VDO_COSTS)) NUMBERS[k] = { min: 0, max: 1e9 };

export const VDO_PARAM_NAMES: readonly string[] = ['threads', 'journalOrder', 'blockMapTree', ...Object.keys(NUMBERS)];

export function parseVdoParams(params: Readonly<Record<string, unknown>>): VdoParams {
  const out: VdoParams = { threads: 'dedicated', journalOrder: 'kept', blockMapTree: 'fresh', slabSizeMb: 2048, kworkers: 0, udsThreads: 0, traceDataVios: 0, burstNs: 2000, costs: { ...DEFAULT_VDO_COSTS } };
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith('vdo.')) continue;
    const name = key.slice('vdo.'.length);
    if (name === 'threads') {
      if (!(VDO_THREAD_DESIGNS as readonly unknown[]).includes(value)) throw new InputError(`expected one of ${VDO_THREAD_DESIGNS.join(', ')}, got ${JSON.stringify(value)}`, { field: key });
      out.threads = value as VdoThreadDesign;
      continue;
    }
    if (name === 'journalOrder') {
      if (value !== 'kept' && value !== 'broken') throw new InputError(`expected kept or broken, got ${JSON.stringify(value)}`, { field: key });
      out.journalOrder = value;
      continue;
    }
    if (name === 'blockMapTree') {
      if (value !== 'fresh' && value !== 'allocated') throw new InputError(`expected fresh or allocated, got ${JSON.stringify(value)}`, { field: key });
      out.blockMapTree = value;
      continue;
    }
    const num = NUMBERS[name];
    if (num === undefined) throw new InputError(`unknown vdo parameter (known: ${VDO_PARAM_NAMES.join(', ')})`, { field: key });
    if (!(typeof value === 'number' && Number.isFinite(value) && value >= num.min && value <= num.max && (!num.integer || Number.isInteger(value)))) {
      throw new InputError(`expected ${num.integer ? 'an integer' : 'a number'} in ${num.min}..${num.max}, got ${JSON.stringify(value)}`, { field: key });
    }
    if (name in DEFAULT_VDO_COSTS) (out.costs as unknown as Record<string, number>)[name] = value;
    else (out as unknown as Record<string, number>)[name] = value;
  }
  return out;
}

export const VDO_PARAMS: ParamNamespace = { name: 'vdo', parse: (params) => parseVdoParams(params) };
