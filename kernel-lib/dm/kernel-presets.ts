// Kernel era presets for kcopyd and dm-snapshot (the dm layer's era table; the block layer's is
// block/kernel-presets.ts, both in the shape of base/kernel-version.ts): `params.kernel: "2.6.21"` gives the defaults a
// kernel of that version had; an explicit `kcopyd.*` / `snapshot.*` parameter overrides them.
// Without `kernel`, the modern (6.x) behaviour is the default.
//
// Each row is one historical change, with the first version that has it. Versions marked [R]
// are not verified against the source (docs/references.md#kcopyd-pages, #kcopyd-threading, #snapshot-stores,
// #snapshot-locking-2019, #uncertain); they stay parameters precisely because they are uncertain.
//
//   version   change                                                          source
//   2.6.26    kcopyd per client ("dm kcopyd: per device", 8c0cbc2f)            [S K-mid, D]
//   2.6.29    kcopyd I/O REQ_SYNC (BIO_RW_SYNC, then BIO_RW_SYNCIO|UNPLUG): 2.6.18-2.6.26
//             run_io_job passes job->rw alone and 2.6.21's dm_io_async dispatches with
//             sync = 0 [S K-old, K-mid]; the flag is in the 2.6.3x dm-kcopyd.c [S]; the
//             first version with it is not verified                             [R]
//   2.6.29    persistent-store area write with WRITE_BARRIER                   [S P-29]
//   2.6.29    a full area's successor zeroed before the area write; 2.6.18-rc7 to then
//             wrote the area, then zeroed the next one [S S-old; the version of the change R]
//   2.6.31    kcopyd requeues a page-starved job at the head ("avoid queue shuffle") [R]
//   2.6.36    origin writes re-run through do_origin (retry_origin_bios) instead of the
//             primary_pe/ref_count siblings ("dm snapshot: rework writing to origin"):
//             primary_pe read in 2.6.18 [S S-old] and in a 2.6.3x dm-snap.c with
//             dm_exception_store types and iterate_devices (about 2.6.31-2.6.32) [S];
//             the version of the rework                                      [R]
//   2.6.37    area write REQ_FLUSH|REQ_FUA (barriers removed)                   [R]
//   2.6.37    kcopyd I/O no longer REQ_SYNC ("dm io: remove BIO_RW_SYNCIO flag from kcopyd") [R]
//   3.1       kcopyd's work item on a bound workqueue (alloc_workqueue) instead of its own
//             single thread (create_singlethread_workqueue)                   [R: 2.6.36-3.1]
//   3.1       full-chunk snapshot writes skip the copy (a6e50b40)              [D]
//   3.1       kcopyd reserves only one sub-job's pages, then uses the allocator [R 3.0-3.1]
//   3.16      rwsem writers spin on a running owner (the snapshot lock)         [R]
//   3.18      in-order exception completion (exception sequence numbers)      [R post-2015]
//   5.1       snapshot fine-grained locking (rwsem + per-bucket locks)          [R]
//   5.3       kcopyd sub-job 512 KiB ("Increase default sub-job size to 512KB") [R]
//   5.4       in-flight COW threshold 2048 (cow_count)                          [R 5.3-5.4]
// Before 2019 the snapshot lock was an exclusive one (an rwsem always taken for write, then a
// mutex from about 2016): `snapshot.locking: mutex` covers both.
import { eraValues, kernelVersionOf, NEWEST_KERNEL, type EraTable, type EraValue } from '../base/kernel-version.js';

export type { EraValue } from '../base/kernel-version.js';

/** Per parameter: the oldest value, then the changes in version order. */
export const DM_ERAS: EraTable = {
  'kcopyd.threading': { oldest: 'global', steps: [{ since: '2.6.26', value: 'per-client' }] },
  'kcopyd.bound': { oldest: false, steps: [{ since: '3.1', value: true }] },
  'kcopyd.requeue': { oldest: 'tail', steps: [{ since: '2.6.31', value: 'head' }] },
  'kcopyd.pool': { oldest: 'hard', steps: [{ since: '3.1', value: 'reserve' }] },
  'kcopyd.subJobKiB': { oldest: 64, steps: [{ since: '5.3', value: 512 }] },
  'kcopyd.syncIo': {
    oldest: false,
    steps: [
      { since: '2.6.29', value: true },
      { since: '2.6.37', value: false },
    ],
  },
  'snapshot.commitFlags': {
    oldest: 'plain',
    steps: [
      { since: '2.6.29', value: 'barrier' },
      { since: '2.6.37', value: 'flush-fua' },
    ],
  },
  'snapshot.zeroNextArea': { oldest: 'after-write', steps: [{ since: '2.6.29', value: 'before-write' }] },
  'snapshot.originWrite': { oldest: 'primary-pe', steps: [{ since: '2.6.36', value: 'retry' }] },
  'snapshot.skipFullChunkCopy': { oldest: false, steps: [{ since: '3.1', value: true }] },
  'snapshot.inOrderCompletion': { oldest: false, steps: [{ since: '3.18', value: true }] },
  'snapshot.locking': { oldest: 'mutex', steps: [{ since: '5.1', value: 'fine-grained' }] },
  // The exclusive snapshot lock: an rwsem taken for write, whose writers spin on a running
  // owner since 3.16; then a mutex (ae1093be5a0e, about 4.8 [R]), spinning since 2.6.29.
  'snapshot.lockSpin': { oldest: false, steps: [{ since: '3.16', value: true }] },
  'snapshot.cowThreshold': { oldest: 0, steps: [{ since: '5.4', value: 2048 }] },
  // "dm snapshot: track snapshot reads" with "fix race during exception creation", which relies
  // on the per-device kcopyd of 2.6.26 [R for the exact release].
  'snapshot.trackReads': { oldest: false, steps: [{ since: '2.6.26', value: true }] },
};

/** The named presets of the issue, for documentation and notebooks. */
export const ERA_PRESETS = ['2.6.21', '2.6.26', '3.1', '5.0', '5.2', '6.x'] as const;

/**
 * The `kcopyd.*` and `snapshot.*` defaults of a kernel version (all of them; the newest
 * values when `kernel` is undefined). Throws an InputError on the `kernel` field for a
 * version it cannot read.
 */
export function eraDefaults(kernel: string | undefined): Record<string, EraValue> {
  return eraValues(DM_ERAS, kernelVersionOf(kernel) ?? NEWEST_KERNEL);
}

/** The era defaults for a scenario's `params` (its `kernel` key). */
export function eraDefaultsOf(params: Readonly<Record<string, unknown>>): Record<string, EraValue> {
  return eraValues(DM_ERAS, kernelVersionOf(params.kernel) ?? NEWEST_KERNEL);
}
