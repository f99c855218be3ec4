// dm-clone's hydration hash table: 2^15 buckets (HASH_TABLE_BITS), each a list of the
// hydrations in flight under its own spinlock, a region's bucket being hash_long(region, 15).
// It is not dm-bio-prison (which dm-clone does not use): the kernel looks a region up, tests
// the region bitmap and inserts under one bucket lock, and a hydration holds the bios
// deferred behind it, not a cell per bio. Buckets' spinlocks are created on first use (one
// lock class, `clone.bucket_lock`, in the lock report).
import { chargeCpu, type Thread } from '../../sim/cpu.js';
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import { SpinLock } from '../../sim/spinlock.js';
import type { RegionHydration } from './region-hydration.js';

export const HASH_TABLE_BITS = 15;
const GOLDEN_RATIO_64 = 0x61c8864680b583ebn;
const MASK_64 = (1n << 64n) - 1n;

/** hash_long() on a 64-bit kernel: hash_64(val, bits) = val * GOLDEN_RATIO_64 >> (64 - bits). */
export function hashLong(val: number, bits: number): number {
  return Number(((BigInt(val) * GOLDEN_RATIO_64) & MASK_64) >> BigInt(64 - bits));
}

export class HydrationHash {
  private readonly locks: (SpinLock | undefined)[] = new Array(1 << HASH_TABLE_BITS);
  /** Every bucket's list together, by region (a region is in one bucket only). */
  private readonly byRegion = new Map<number, RegionHydration>();
  /** Bucket lock acquisitions (statistics). */
  lockings = 0;

  constructor(
    readonly sim: Simulation,
    /** CPU spent under the bucket lock per operation, ns. */
    readonly opNs: number,
  ) {}

  bucketOf(region: number): number {
    return hashLong(region, HASH_TABLE_BITS);
  }

  /** bucket_lock_irqsave: spins on the bucket's lock, then spends the operation's CPU. */
  *lock(thread: Thread | null, region: number): ProcessGenerator<SpinLock> {
    const b = this.bucketOf(region);
    let l = this.locks[b];
    if (l === undefined) this.locks[b] = l = new SpinLock(this.sim, 'clone.bucket_lock');
    yield l.lock();
    this.lockings++;
    const cost = chargeCpu(this.sim, thread, this.opNs);
    if (cost !== null) yield cost;
    return l;
  }

  /** __hash_find (the caller holds the bucket lock). */
  find(region: number): RegionHydration | undefined {
    return this.byRegion.get(region);
  }

  /** __insert_region_hydration (the caller holds the bucket lock). */
  insert(hd: RegionHydration): void {
    this.byRegion.set(hd.regionNr, hd);
  }

  /**
   * hlist_del in hydration_update_metadata, called from bio completion. The kernel takes the
   * bucket lock there too; the model does not spin in completion context (nothing in it may
   * sleep, and the lock's holders never sleep while holding it but for their own CPU charge).
   */
  remove(hd: RegionHydration): void {
    this.byRegion.delete(hd.regionNr);
  }

  get size(): number {
    return this.byRegion.size;
  }
}
