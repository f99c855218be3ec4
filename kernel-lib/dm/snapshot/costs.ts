// CPU cost of dm-snapshot's own work, in simulated ns, charged on the thread that does it
// (the submitter for the map paths, the kcopyd worker for completion). Where a cost is spent
// under the snapshot's lock it is also that lock's hold time, so lock contention comes out of
// these numbers and the locking scheme, not out of a separate knob. Calibrated ONCE on the
// 2019 null_blk origin-write "before" figures (docs/references.md#snapshot-null-blk-2019, mutex) and used
// unchanged for every era and locking scheme (docs/snapshot.md). kcopyd's own costs are in
// ../kcopyd/costs.ts.
// Refitted once when the hash-chain walks (exception-table.ts) and the 5.0 mutex's optimistic
// spinning were added: the calibration scenario now starts with the table as full as the
// published runs had it on average (kernel-lib/scenario/calibration/snapshot-null-blk-2019.ts),
// the walks take ~7 us per write of what the old fit had put into these constants, and every
// [C] cost of dm-snapshot and kcopyd was scaled by ONE factor, 0.4 (docs/snapshot.md).
// Refitted again (issue 16, the 1-job row) when the walks became cache-aware (only a write's
// first walk of its chain goes to DRAM, exception-table.ts walkNs): the same single factor,
// now 0.5 of the original fit, the round value with the smallest worst row of 0.4/0.5/0.6
// (worst rows 24.7% / 22.3% / 25.8%).
export const SNAPSHOT_COSTS = Object.freeze({
  /** origin_map + do_origin outside any snapshot lock (_origins_lock, origin lookup), per bio. [C] */
  originMapNs: 150,
  /** Per snapshot and bio: pending then complete hash lookups, under the snapshot lock. [C] */
  lookupNs: 180,
  /** alloc_pending_exception (mempool), outside the lock. [C] */
  allocPendingNs: 180,
  /** prepare_exception + insert into the pending table, under the lock (pe_allocation_lock for the store part when fine-grained). [C] */
  insertPendingNs: 220,
  /** copy_callback + complete_exception bookkeeping in the kcopyd worker, outside the lock. [C] */
  copyCallbackNs: 180,
  /** pending_complete under the lock: alloc + insert the completed exception, remove the pending one. [C] */
  pendingCompleteNs: 550,
  /** Per origin bio released by retry_origin_bios: re-running do_origin on it. [C] */
  retryOriginNs: 100,
  /**
   * Per complete-table hash-chain entry visited (dm_lookup_exception, dm_insert_exception):
   * a dependent load of a separately allocated 32-byte dm_exception, a cache miss once the
   * table is larger than the last-level cache: DRAM load-to-use latency of a 2019 server
   * (about 80-90 ns). A physical figure, not fitted.
   */
  chainStepNs: 80,
  /**
   * Per chain entry whose line is still in the walking CPU's private cache (L2): it walked the
   * chain last and has touched fewer than `l2Lines` other chain lines since. A dependent L2 hit,
   * ~14 cycles at 2.5-3 GHz [R: a 2019 Skylake-SP class server; not published].
   */
  chainStepL2Ns: 5,
  /**
   * Per chain entry still in the shared last-level cache (another CPU walked the chain last,
   * within `llcLines` chain lines): an L3 hit or a cross-core transfer, ~50-70 cycles [R].
   */
  chainStepLlcNs: 20,
  /** The private L2, in 64-byte lines: 1 MiB [R: Skylake-SP]. */
  l2Lines: (1024 * 1024) / 64,
  /** The shared LLC, in 64-byte lines: 1.375 MiB per core of the 8-CPU machine [R]. */
  llcLines: (8 * 1.375 * 1024 * 1024) / 64,
});
