// CPU that dm core itself spends on every bio of a bio-based mapped device, whatever the
// target (dm.c): at submission, in the submitter's context, dm_submit_bio takes the live table
// (SRCU), allocates the dm_io and the clone (bio_alloc_clone from the device's bioset),
// starts the I/O accounting, calls the target's map and resubmits the clone
// (submit_bio_noacct); at completion, clone_endio / dm_io_dec_pending end the accounting,
// free the clone and the dm_io and complete the original bio. [S K-new drivers/md/dm.c]
//
// The sizes are [R]: about a third of what the block layer's own submission and completion
// are taken to cost here (block.submit_cpu_ns = 1000, complete_cpu_ns = 700: a handful of
// allocations, reference counts and per-CPU statistics against the request path's tag
// allocation, merge attempts and driver hand-off). Corroborated in order of magnitude by
// commit 64f52b0e3148 ("dm: improve performance by moving dm_io structure to per-bio-data",
// docs/references.md#dm-core-per-bio): removing one of those mempool allocations per bio
// raised bio-based dm-linear from 2665 to 2777 MB/s (+4.2 %) on NVMe-over-loop to a ramdisk,
// i.e. tens of ns per allocation and a few hundred ns for dm core's whole per-bio work.
import type { CpuSet } from '../sim/cpu.js';

/** dm core's CPU per bio and the CPUs its completions run on, as a mapped device is given them. */
export interface DmCoreCosts {
  readonly cpus: CpuSet | null;
  readonly submitNs: number;
  readonly endioNs: number;
}

export const DM_CORE_COSTS = Object.freeze({
  /** dm_submit_bio up to submit_bio_noacct of the clone, per clone, on the submitting thread. [R] */
  submitNs: 300,
  /** clone_endio + dm_io_dec_pending + end_io_acct + bio_endio of the original, per original bio, in the completing softirq. [R] */
  endioNs: 200,
});
