// Remap objects and the global MRU list (mru_list, one per machine, shared by every
// dm-userspace device). Every remap ever allocated stays on the list: a lookup hit moves it
// to the head (remap_hit), a freed remap goes to the tail with INUSE cleared. When the
// allocator has nothing to give (alloc_remap_atomic's kmem_cache_alloc failing), the LRU
// remap at the tail is stolen: taken out of its device's table and reused.
// `userspace.allocator` picks the allocation's cost (a dedicated slab cache, or kmalloc's
// general caches before May 2006); `userspace.remapLimit` how many objects memory holds
// (0: never short, so nothing is stolen).
import type { Simulation } from '../../sim/index.js';
import { DMU_FLAG_INUSE, DMU_FLAG_VALID } from './protocol.js';
import { DmuMap } from './remap.js';

/** What stealing needs of the device that owns a remap. */
export interface RemapOwner {
  /** Takes the remap out of the owner's table (list_del_init of its chain link). */
  forget(map: DmuMap): void;
}

export class MruList {
  head: DmuMap | null = null;
  tail: DmuMap | null = null;
  /** Remap objects allocated (kmem_cache_alloc that succeeded). */
  allocated = 0;
  steals = 0;
  /** Steals that found the LRU remap still in use and not valid ("Unable to allocate or steal a remap!"). */
  stealFailures = 0;

  /** list_move to the head (remap_hit). */
  hit(m: DmuMap): void {
    if (this.head === m) return;
    this.unlink(m);
    this.pushHead(m);
  }

  /** free_remap / __free_remap: INUSE cleared, to the tail. */
  free(m: DmuMap): void {
    m.flags &= ~DMU_FLAG_INUSE;
    this.unlink(m);
    this.pushTail(m);
  }

  /**
   * alloc_remap_atomic: a new object while memory allows (`limit` 0: always), else the LRU
   * remap. Null when the LRU remap is in use and not yet valid.
   */
  alloc(limit: number): DmuMap | null {
    if (limit === 0 || this.allocated < limit) {
      this.allocated++;
      const m = new DmuMap();
      this.pushTail(m);
      return m;
    }
    const m = this.tail;
    if (m === null) return null;
    if (m.has(DMU_FLAG_INUSE)) {
      (m.owner as RemapOwner | null)?.forget(m);
      m.flags &= ~DMU_FLAG_INUSE;
      if (!m.has(DMU_FLAG_VALID)) {
        this.stealFailures++;
        return null;
      }
    }
    this.steals++;
    this.hit(m);
    return m;
  }

  private unlink(m: DmuMap): void {
    if (m.mruPrev !== null) m.mruPrev.mruNext = m.mruNext;
    else if (this.head === m) this.head = m.mruNext;
    if (m.mruNext !== null) m.mruNext.mruPrev = m.mruPrev;
    else if (this.tail === m) this.tail = m.mruPrev;
    m.mruPrev = m.mruNext = null;
  }

  private pushHead(m: DmuMap): void {
    m.mruNext = this.head;
    if (this.head !== null) this.head.mruPrev = m;
    this.head = m;
    if (this.tail === null) this.tail = m;
  }

  private pushTail(m: DmuMap): void {
    m.mruPrev = this.tail;
    if (this.tail !== null) this.tail.mruNext = m;
    this.tail = m;
    if (this.head === null) this.head = m;
  }
}

const lists = new WeakMap<Simulation, MruList>();

/** The machine's mru_list (module-global in the kernel: one per simulation here). */
export function mruListOf(sim: Simulation): MruList {
  let l = lists.get(sim);
  if (l === undefined) lists.set(sim, (l = new MruList()));
  return l;
}
