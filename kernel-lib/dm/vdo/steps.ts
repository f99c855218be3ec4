// The callbacks of a data_vio's life, named after the kernel functions they stand for
// (data-vio.c, dedupe.c, packer.c, recovery-journal.c, slab-depot.c, block-map.c, flush.c),
// with the CPU cost each one is charged (params.ts) on the thread that runs it.
import type { VdoCosts } from './params.js';

export const S = {
  attemptLogicalBlockLock: 0,
  allocateBlock: 1,
  acknowledgeWrite: 2,
  hashDataVio: 3,
  acquireHashLock: 4,
  udsQuery: 5,
  finishQuerying: 6,
  lockDuplicatePbn: 7,
  finishLocking: 8,
  submitVio: 9,
  verifyCallback: 10,
  finishVerifying: 11,
  compressDataVio: 12,
  packCompressedData: 13,
  readOldBlockMapping: 14,
  journalRemapping: 15,
  completeJournalWrite: 16,
  incrementReferenceCount: 17,
  decrementReferenceCount: 18,
  updateBlockMap: 19,
  continueHashLock: 20,
  unlockDuplicatePbn: 21,
  cleanHashLock: 22,
  releaseAllocatedLock: 23,
  releaseLogicalLock: 24,
  processReleaseCallback: 25,
  completeRead: 26,
  completeZeroRead: 27,
  pageLoaded: 28,
  slabJournalWritten: 29,
  pageWritten: 30,
  flushPacker: 31,
  completeFlush: 32,
  launchDeferredBio: 33,
  allocateBlockMapPage: 34,
  journalBlockMapAllocation: 35,
  setBlockMapPageReferenceCount: 36,
  finishBlockMapAllocation: 37,
  treePageLoaded: 38,
  referenceBlockWritten: 39,
  slabJournalReaped: 40,
} as const;

export const STEP_COUNT = 41;

export const STEP_NAMES: readonly string[] = (() => {
  const names: string[] = [];
  for (const [k, v] of Object.entries(S)) names[v] = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return names;
})();

/** The cost (ns) of each step under `costs`, indexed by step. */
export function stepCosts(costs: VdoCosts): Float64Array {
  const c = new Float64Array(STEP_COUNT).fill(costs.stepNs);
  c[S.acknowledgeWrite] = costs.ackNs;
  c[S.hashDataVio] = costs.hashNs;
  c[S.udsQuery] = costs.udsNs;
  c[S.verifyCallback] = costs.compareNs;
  c[S.compressDataVio] = costs.compressNs;
  c[S.launchDeferredBio] = costs.launchNs;
  return c;
}

/** Work-queue priorities [R: the kernel's levels (VDO_WORK_Q_MAX_PRIORITY and the per-queue ones), simplified to four]. */
export const PRIORITY_LOW = 0;
export const PRIORITY_DEFAULT = 1;
export const PRIORITY_HIGH = 2;
export const PRIORITY_METADATA = 3;
