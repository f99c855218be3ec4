// Hash zones and hash locks (dedupe.c). A block's record name (MurmurHash3 of its data; here its
// fingerprint) picks its hash zone. Every in-flight write of the same data shares one hash
// lock: the first is the lock's agent, which asks the index, locks and verifies a candidate
// or writes the data; the others wait on the lock and, once the agent has a verified or
// freshly written copy, deduplicate against it without asking the index again.
import type { DataVio } from './data-vio.js';
import { NumberMap } from '../../sim/number-map.js';

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
    /** Its place in the zone's table of locks. */
    readonly slot: number,
    public name: number,
    public agent: DataVio,
  ) {}
}

export class HashZone {
  /** The locks in use, by record name (value: the lock's slot), as the kernel's hash table of them. */
  private readonly byName = new NumberMap<number>(1 << 12);
  /** Every lock made, by slot; the slots of released ones are reused (the kernel's lock pool). */
  private readonly slots: HashLock[] = [];
  private readonly free: number[] = [];
  /** dedupe statistics: advice valid / stale, concurrent data matches (waiters). */
  adviceValid = 0;
  adviceStale = 0;
  concurrentDataMatches = 0;

  constructor(readonly index: number) {}

  /** The lock on record name `name`, if one is held. */
  lockOf(name: number): HashLock | undefined {
    const i = this.byName.getOr(name, -1);
    return i < 0 ? undefined : this.slots[i];
  }

  /** A new lock on `name` with `agent` as its agent and first holder. */
  newLock(name: number, agent: DataVio): HashLock {
    let lock: HashLock;
    const slot = this.free.pop();
    if (slot === undefined) {
      lock = new HashLock(this.slots.length, name, agent);
      this.slots.push(lock);
    } else {
      lock = this.slots[slot];
      lock.name = name;
      lock.agent = agent;
      lock.state = HASH_LOCK_QUERYING;
      lock.duplicatePbn = lock.duplicateState = 0;
      lock.updateAdvice = false;
    }
    lock.holders = 1;
    this.byName.set(name, lock.slot);
    return lock;
  }

  /** The last holder let go: the lock goes back to the pool (no waiter is left: each one holds it). */
  releaseLock(lock: HashLock): void {
    this.byName.delete(lock.name);
    this.free.push(lock.slot);
  }
}

/** vdo_select_hash_zone: a byte of the record name, mod the zone count. */
export function selectHashZone(name: number, zones: number): number {
  // The fingerprint stands for a MurmurHash3 digest: mix it so consecutive blocks spread.
  let h = Math.imul(name ^ (name / 4294967296), 0x9e3779b1) >>> 0;
  h = (h ^ (h >>> 15)) >>> 0;
  return h % zones;
}
