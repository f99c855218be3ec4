// CPU cost of dm-userspace's kernel work, in simulated ns, charged on the thread that does it:
// the submitter for dmu_map, the daemon for what its read() and write() system calls do in
// the kernel (remap_request, the flusher's generic_make_request of parked bios), the kcopyd
// worker for the flusher after a COPY_FIRST copy. Not calibrated: each is an estimate [R]
// for the 2006 machine of the examples (a ~3 GHz Pentium 4 class core), fixed BEFORE any
// comparison with the published times and never adjusted (docs/userspace.md).
export const USERSPACE_COSTS = Object.freeze({
  /** dmu_map's fixed part: block number, dev->lock, the remap or request case. [R] */
  mapNs: 300,
  /**
   * One node visited on a list walk: a remap on a hash chain or on the linear store, a
   * request on dev->requests, a remap on dev->in_flight. A dependent load that mostly hits
   * the 1-2 MB L2 cache of a 2006 Pentium 4 (about 27 cycles at 3 GHz) plus the compare. [R]
   */
  nodeVisitNs: 20,
  /** kmem_cache_alloc from a dedicated slab cache (request or remap), with its init. [R] */
  slabAllocNs: 150,
  /** kmalloc from the general size caches plus initialisation, the earlier design. [R] */
  kmallocNs: 400,
  /** Rehashing one remap into the doubled table (list_del + list_add_tail). [R] */
  rehashNs: 40,
  /** Initialising one bucket of a new table (INIT_LIST_HEAD). [R] */
  bucketInitNs: 5,
  /** remap_request / invalidate / sync_complete: decode, locks, flags. [R] */
  messageNs: 500,
  /** pop_and_remap + generic_make_request of one parked bio, before the block layer's own cost. [R] */
  flushBioNs: 200,
  /** Packing one message into the read buffer (send_userspace_message, under dev->lock). [R] */
  packNs: 150,
});
