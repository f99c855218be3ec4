// CPU cost of kcopyd's own work, in simulated ns on the thread that does it. Calibrated ONCE
// (docs/kcopyd.md, docs/snapshot.md: the 2019 null_blk origin-write figures of
// docs/references.md#snapshot-null-blk-2019), then used unchanged for every era, threading model and experiment. The block layer
// charges its own submission cost (block.submit_cpu_ns, the driver's issue cost) to the same
// thread, since kcopyd's bios carry the worker's thread; these numbers are only kcopyd's part.
// dm-snapshot's costs are in ../snapshot/costs.ts.
// Refitted once when the hash-chain walks (exception-table.ts) and the 5.0 mutex's optimistic
// spinning were added: the calibration scenario now starts with the table as full as the
// published runs had it on average (kernel-lib/scenario/calibration/snapshot-null-blk-2019.ts),
// the walks take ~7 us per write of what the old fit had put into these constants, and every
// [C] cost of dm-snapshot and kcopyd was scaled by ONE factor, 0.4 (docs/snapshot.md).
// Refitted again (issue 16, the 1-job row) when the walks became cache-aware (only a write's
// first walk of its chain goes to DRAM, exception-table.ts walkNs): the same single factor,
// now 0.5 of the original fit, the round value with the smallest worst row of 0.4/0.5/0.6
// (worst rows 24.7% / 22.3% / 25.8%).
export const KCOPYD_COSTS = Object.freeze({
  /**
   * One run of do_work besides the jobs: workqueue dispatch of the work item, taking and
   * dropping job_lock for each list, blk_start_plug/finish_plug. [C]
   */
  passNs: 300,
  /** dm_kcopyd_copy() in the caller: mempool_alloc of the job, filling it, dispatch_job. [C] */
  copyCallNs: 220,
  /** run_pages_job: kcopyd_get_pages for one (sub-)job (page list walk or alloc_pages). [C] */
  pagesJobNs: 180,
  /** run_io_job without the block layer: dm_io() setup (struct io, region walk, bio_alloc, page list). [C] */
  ioJobNs: 420,
  /** run_complete_job without the client's callback: put pages, free the job, nr_jobs accounting. [C] */
  completeJobNs: 180,
  /** complete_io in the completing CPU's softirq: io_job_finish, list push, wake. [C] */
  completeIoNs: 100,
});
