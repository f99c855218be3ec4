// dm-clone's hydration hash table: 2^15 buckets (HASH_TABLE_BITS), each a list of the
// hydrations in flight under its own spinlock, a region's bucket being hash_long(region, 15).
// It is not dm-bio-prison (which dm-clone does not use): the kernel looks a region up, tests
// the region bitmap and inserts under one bucket lock, and a hydration holds the bios
// deferred behind it, not a cell per bio. Buckets' spinlocks are created on first use (one
// lock class, `clone.bucket_lock`, in the lock report). The lists are intrusive, as the
// kernel's hlist is (RegionHydration.hashNext): no allocation per insert or removal.
import { chargeCpu, type Thread } from '../../sim/cpu.js';
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import { SpinLock } from '../../sim/spinlock.js';
import type { RegionHydration } from './region-hydration.js';

export const HASH_TABLE_BITS = 15;
/** GOLDEN_RATIO_64 (0x61C8864680B583EB) as two 32-bit halves, and its low half in 16-bit ones. */
const GR_HI = 0x61c88646;
const GR_LO = 0x80b583eb;
const GR_LO_1 = GR_LO >>> 16;
const GR_LO_0 = GR_LO & 0xffff;
const TWO_32 = 2 ** 32;

/**
 * hash_long() on a 64-bit kernel: hash_64(val, bits) = (val * GOLDEN_RATIO_64 mod 2^64) >>
 * (64 - bits), for 0 <= val < 2^53 and bits <= 32. Only the product's high 32 bits matter:
 * hi(lo(val) * GR_LO) + lo(lo(val) * GR_HI) + lo(hi(val) * GR_LO), mod 2^32, with the first
 * term from 16-bit partial products so every step is exact in doubles (no BigInt: this runs
 * for every write).
 */
export function hashLong(val: number, bits: number): number {
  const vl = val >>> 0;
  const vh = Math.floor(val / TWO_32);
  const a1 = vl >>> 16;
  const a0 = vl & 0xffff;
  const p1 = a1 * GR_LO_0;
  const p2 = a0 * GR_LO_1;
  const mid = ((a0 * GR_LO_0) >>> 16) + (p1 & 0xffff) + (p2 & 0xffff);
  const hiOfLo = a1 * GR_LO_1 + (p1 >>> 16) + (p2 >>> 16) + (mid >>> 16);
  const high32 = (hiOfLo + Math.imul(vl, GR_HI) + Math.imul(vh, GR_LO)) >>> 0;
  return high32 >>> (32 - bits);
}

export class HydrationHash {
  private readonly locks: (SpinLock | undefined)[] = new Array(1 << HASH_TABLE_BITS);
  /** Each bucket's list head (hlist_head); the list goes on through RegionHydration.hashNext. */
  private readonly heads: (RegionHydration | null)[] = new Array<RegionHydration | null>(1 << HASH_TABLE_BITS).fill(null);
  private count = 0;
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

  /** The bucket's spinlock (made on first use). */
  bucketLock(b: number): SpinLock {
    let l = this.locks[b];
    if (l === undefined) this.locks[b] = l = new SpinLock(this.sim, 'clone.bucket_lock');
    return l;
  }

  /**
   * bucket_lock_irqsave: spins on the bucket's lock, then spends the operation's CPU. The
   * write path (clone.ts hydrateBioRegion) does these same steps inline, without a generator
   * per bio.
   */
  *lock(thread: Thread | null, region: number): ProcessGenerator<SpinLock> {
    const l = this.bucketLock(this.bucketOf(region));
    // Uncontended (the usual case): taken at once, without an event to wait on.
    if (!l.tryLock()) yield l.lock();
    this.lockings++;
    const cost = chargeCpu(this.sim, thread, this.opNs);
    if (cost !== null) yield cost;
    return l;
  }

  /** __hash_find (the caller holds the bucket lock). */
  find(region: number): RegionHydration | undefined {
    return this.findIn(this.bucketOf(region), region);
  }

  /** __hash_find in bucket `b` (the region's: bucketOf). */
  findIn(b: number, region: number): RegionHydration | undefined {
    for (let hd = this.heads[b]; hd !== null; hd = hd.hashNext) {
      if (hd.regionNr === region) return hd;
    }
    return undefined;
  }

  /** __insert_region_hydration (the caller holds the bucket lock): at the bucket's head. */
  insert(hd: RegionHydration): void {
    this.insertIn(this.bucketOf(hd.regionNr), hd);
  }

  /** __insert_region_hydration into bucket `b` (the region's: bucketOf). */
  insertIn(b: number, hd: RegionHydration): void {
    hd.hashNext = this.heads[b];
    this.heads[b] = hd;
    this.count++;
  }

  /**
   * hlist_del in hydration_update_metadata, called from bio completion. The kernel takes the
   * bucket lock there too; the model does not spin in completion context (nothing in it may
   * sleep, and the lock's holders never sleep while holding it but for their own CPU charge).
   */
  remove(hd: RegionHydration): void {
    const b = this.bucketOf(hd.regionNr);
    let prev: RegionHydration | null = null;
    for (let cur = this.heads[b]; cur !== null; prev = cur, cur = cur.hashNext) {
      if (cur !== hd) continue;
      if (prev === null) this.heads[b] = cur.hashNext;
      else prev.hashNext = cur.hashNext;
      hd.hashNext = null;
      this.count--;
      return;
    }
  }

  /** Hydrations in the table. */
  get size(): number {
    return this.count;
  }
}
