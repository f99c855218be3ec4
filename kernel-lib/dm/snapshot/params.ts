// dm-snapshot's parameters (`snapshot.*`), with era defaults from ../era.ts; an explicit
// parameter overrides the era.
import { InputError } from '../../base/input-error.js';
import { eraDefaultsOf } from '../kernel-presets.js';
import type { ParamNamespace } from '../target-registry.js';

export type SnapshotLocking = 'mutex' | 'fine-grained';
export type CommitFlags = 'plain' | 'barrier' | 'flush-fua';
export type OriginWrite = 'primary-pe' | 'retry';
export type ZeroNextArea = 'after-write' | 'before-write';

export interface SnapshotParams {
  /**
   * `mutex`: one exclusive per-snapshot lock around mapping (every bio, reads included),
   * origin writes and pending_complete (the rwsem taken for write up to 2016, the mutex
   * 2016-2019); `fine-grained` (5.1 on): an rwsem taken for read in the fast paths,
   * per-bucket locks on the exception tables and pe_allocation_lock for the store.
   */
  locking: SnapshotLocking;
  /** A snapshot write covering a whole chunk goes straight to the COW device, no origin read (3.1 on). */
  skipFullChunkCopy: boolean;
  /** Exceptions complete in the order they were allocated (exception sequence numbers). */
  inOrderCompletion: boolean;
  /** Chunk copies in flight per snapshot above which a new write waits before mapping (cow_threshold, cow-throttle.ts; 0 = no limit). */
  cowThreshold: number;
  /** The persistent store's area write: plain WRITE (2.6.18), WRITE_BARRIER (2.6.29), PREFLUSH|FUA (modern). */
  commitFlags: CommitFlags;
  /**
   * When a commit fills its area, the next area is zeroed `after-write` (2.6.18's
   * persistent_commit, from 2.6.18-rc7: area_io(WRITE), then zero_area(current + 1), then the
   * callbacks) or `before-write` (the later persistent_commit_exception: zero_disk_area
   * first, so a crash cannot leave a full area followed by stale entries).
   */
  zeroNextArea: ZeroNextArea;
  /**
   * How an origin write waits for the copies it triggers in several snapshots.
   * `primary-pe` (2.6.18 to 2.6.35 [R for the end]): the exceptions are tied to the first one
   * (primary_pe), which holds the origin bio and a ref_count; the copies start after the loop
   * over the snapshots, in list order; the last sibling to complete (put_pending_exception)
   * sends the bio to the origin directly. `retry` (modern): the bio waits on the first
   * snapshot's exception, which starts last; when it completes the bio is re-run through
   * do_origin (retry_origin_bios) and may wait on another snapshot's exception.
   */
  originWrite: OriginWrite;
  /**
   * A snapshot read of a chunk not yet copied goes to the origin TRACKED (track_chunk), and
   * pending_complete waits for such reads before the origin chunk may change (2.6.26 on [R]).
   * Before, the read was simply remapped to the origin: no tracking, no wait, and the race
   * that let it return the newly written data.
   */
  trackReads: boolean;
  /**
   * Whether a task that finds the exclusive snapshot lock (`locking: mutex`) taken spins on a
   * running owner before sleeping (optimistic spinning). It follows the lock type the kernel
   * used: an rw-semaphore taken for write until 2016, whose writers spin since 3.16
   * ("locking/rwsem: Implement optimistic spinning"), then a mutex (spinning since 2.6.29).
   * Sleeping only before 3.16. (The fine-grained scheme's bucket locks are bit spinlocks.)
   */
  lockSpin: boolean;
  /**
   * Exceptions already in the complete table when the run starts, of chunks the workload does
   * not write again (a snapshot some way into a long run): they lengthen the hash chains that
   * every lookup and insert under the lock walks. 0 = a new snapshot.
   */
  initialExceptions: number;
  /**
   * The slab allocator fails (memory pressure): alloc_pending_exception then takes from the
   * snapshot's pending_pool reserve (MIN_IOS = 256 elements) and sleeps when it is empty, until
   * pending_complete frees one. Without pressure mempool_alloc never waits (../mempool.ts).
   * Not an era: a condition of the machine (kcopyd's page pool has its own, `kcopyd.memoryPressure`).
   */
  memoryPressure: boolean;
}

const CHOICES: Record<string, readonly unknown[]> = {
  locking: ['mutex', 'fine-grained'],
  skipFullChunkCopy: [true, false],
  inOrderCompletion: [true, false],
  commitFlags: ['plain', 'barrier', 'flush-fua'],
  originWrite: ['primary-pe', 'retry'],
  trackReads: [true, false],
  lockSpin: [true, false],
  zeroNextArea: ['after-write', 'before-write'],
  memoryPressure: [true, false],
};

const COUNTS = ['cowThreshold', 'initialExceptions'];

export const SNAPSHOT_PARAM_NAMES: readonly string[] = [...Object.keys(CHOICES), ...COUNTS];

export function parseSnapshotParams(params: Readonly<Record<string, unknown>>): SnapshotParams {
  const era: Record<string, unknown> = eraDefaultsOf(params);
  const out: Record<string, unknown> = { initialExceptions: 0, memoryPressure: false };
  for (const [k, v] of Object.entries(era)) if (k.startsWith('snapshot.')) out[k.slice(9)] = v;
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith('snapshot.')) continue;
    const name = key.slice(9);
    if (COUNTS.includes(name)) {
      if (!(Number.isInteger(value) && (value as number) >= 0)) throw new InputError(`expected an integer >= 0${name === 'cowThreshold' ? ' (0 = no limit)' : ''}, got ${JSON.stringify(value)}`, { field: key });
    } else if (CHOICES[name] !== undefined) {
      if (!CHOICES[name].includes(value)) {
        throw new InputError(`expected one of ${CHOICES[name].map((c) => JSON.stringify(c)).join(', ')}, got ${JSON.stringify(value)}`, { field: key });
      }
    } else {
      throw new InputError(`unknown snapshot parameter (known: ${SNAPSHOT_PARAM_NAMES.join(', ')})`, { field: key });
    }
    out[name] = value;
  }
  return out as unknown as SnapshotParams;
}

/** `snapshot.*`, read by the snapshot and snapshot-origin targets. */
export const SNAPSHOT_PARAMS: ParamNamespace = { name: 'snapshot', parse: parseSnapshotParams };
