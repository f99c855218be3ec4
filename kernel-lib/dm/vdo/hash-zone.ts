// Hash zones and hash locks (dedupe.c). A block's record name (MurmurHash3 of its data; here its
// fingerprint) picks its hash zone. Every in-flight write of the same data shares one hash
// lock: the first is the lock's agent, which asks the index, locks and verifies a candidate
// or writes the data; the others wait on the lock and, once the agent has a verified or
// freshly written copy, deduplicate against it without asking the index again.
import type { DataVio } from './data-vio.js';

export const HASH_LOCK_QUERYING = 0;
export const HASH_LOCK_WRITING = 1;
export const HASH_LOCK_DEDUPING = 2;

export class HashLock {
  readonly waiters: DataVio[] = [];
  state = HASH_LOCK_QUERYING;
  /** The verified (or written) copy to deduplicate against: pbn 0 for none. */
  duplicatePbn = 0;
  duplicateState = 0;
  /** Data_vios holding the lock (agent and waiters, until each releases it). */
  holders = 0;
  /** Whether the index must be told about a new location when the lock goes. */
  updateAdvice = false;

  constructor(
    readonly name: number,
    public agent: DataVio,
  ) {}
}

export class HashZone {
  readonly locks = new Map<number, HashLock>();
  /** dedupe statistics: advice valid / stale, concurrent data matches (waiters). */
  adviceValid = 0;
  adviceStale = 0;
  concurrentDataMatches = 0;

  constructor(readonly index: number) {}
}

/** vdo_select_hash_zone: a byte of the record name, mod the zone count. */
export function selectHashZone(name: number, zones: number): number {
  // The fingerprint stands for a MurmurHash3 digest: mix it so consecutive blocks spread.
  let h = Math.imul(name ^ (name / 4294967296), 0x9e3779b1) >>> 0;
  h = (h ^ (h >>> 15)) >>> 0;
  return h % zones;
}
