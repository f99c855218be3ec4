// The block map (block-map.c): LBN -> (PBN, state) in a forest of DEFAULT_VDO_BLOCK_MAP_TREE_ROOT_COUNT
// trees of 812-entry pages, interleaved page by page; tree n belongs to logical zone n mod L.
// The trees and their allocation are in block-map-tree.ts; this file keeps the mappings, the
// leaf-page cache and the dirty pages. Each logical zone caches its share of `block map cache
// size` leaf pages (LRU). An allocated leaf page not in the cache is read through a bio thread
// while the data_vios that need it wait (a fresh page too: the kernel reads it and formats
// what it finds). A page (leaf or interior) dirtied in era e (eras are counted in
// recovery-journal blocks) is written back once the journal has moved `era length` blocks past
// e, or, for a leaf, when the cache evicts it.
// Simplified [R]: the leaf page is fetched with the slot (vdo_find_block_map_slot) rather than
// when the old mapping is read; interior pages are written back at era expiry only (no
// flusher generations).
import { Deque } from '../../sim/deque.js';
import { BlockMapForest } from './block-map-tree.js';
import { DEFAULT_VDO_BLOCK_MAP_TREE_ROOT_COUNT, VDO_BLOCK_MAP_ENTRIES_PER_PAGE } from './constants.js';
import type { DataVio } from './data-vio.js';
import { NumberMap } from '../../sim/number-map.js';

/**
 * A zone's leaf-page cache, least recently used first: a doubly linked list threaded through
 * arrays indexed by logical page number (the logical space's pages are few and dense), so a
 * hit moves a page to the back without a look-up in, or a deletion from, a hash table.
 */
export class PageLru {
  /** Block of each cached page (by logical page number). */
  private readonly pbn: Float64Array;
  /** Neighbours in the list (-1: none); `cached` marks the pages in it. */
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly cached: Uint8Array;
  private head = -1;
  private tail = -1;
  size = 0;

  constructor(pages: number) {
    this.pbn = new Float64Array(pages);
    this.prev = new Int32Array(pages);
    this.next = new Int32Array(pages);
    this.cached = new Uint8Array(pages);
  }

  has(page: number): boolean {
    return this.cached[page] === 1;
  }

  /** Puts `page` (at `pbn`) last, the most recently used. */
  touch(page: number, pbn: number): void {
    if (this.cached[page] === 1) this.unlink(page);
    else {
      this.cached[page] = 1;
      this.size++;
    }
    this.pbn[page] = pbn;
    this.prev[page] = this.tail;
    this.next[page] = -1;
    if (this.tail >= 0) this.next[this.tail] = page;
    else this.head = page;
    this.tail = page;
  }

  /** The least recently used page (-1: none). */
  oldest(): number {
    return this.head;
  }

  pbnOf(page: number): number {
    return this.pbn[page];
  }

  delete(page: number): void {
    if (this.cached[page] === 0) return;
    this.unlink(page);
    this.cached[page] = 0;
    this.size--;
  }

  private unlink(page: number): void {
    const p = this.prev[page];
    const n = this.next[page];
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
  }
}

export class BlockMapZone {
  /** Cached leaf pages (logical page number -> block), least recently used first. */
  readonly cache: PageLru;
  /** Pages being read, with the data_vios waiting for each. */
  readonly loading = new Map<number, DataVio[]>();
  /** Dirty pages (by block) with the era they were first dirtied in; `dirtyOrder` oldest first. */
  readonly dirty = new NumberMap<number>(1 << 12);
  readonly dirtyOrder = new Deque<number>();
  hits = 0;
  misses = 0;
  pageReads = 0;
  pageWrites = 0;

  constructor(
    readonly index: number,
    readonly capacity: number,
    /** Logical pages in the volume (the cache's index range). */
    pages: number,
  ) {
    this.cache = new PageLru(pages);
  }
}

export class BlockMap {
  /** The mappings, as (pbn * 16 + state); absent: unmapped. */
  readonly mapping = new NumberMap<number>(1 << 16);
  readonly forest: BlockMapForest;
  readonly zones: BlockMapZone[];
  /** Journal entry of the last update applied to each LBN (journal order check). */
  readonly lastApplied = new NumberMap<number>(1 << 16);
  orderViolations = 0;

  constructor(
    readonly logicalZones: number,
    cacheSize: number,
    readonly eraLength: number,
    /** The block of tree 0's root (the roots are the fixed layout's, vdo.ts). */
    rootOrigin: number,
    logicalBlocks: number,
  ) {
    const pages = Math.ceil(logicalBlocks / VDO_BLOCK_MAP_ENTRIES_PER_PAGE);
    this.forest = new BlockMapForest(rootOrigin, pages);
    this.zones = Array.from({ length: logicalZones }, (_, i) => new BlockMapZone(i, Math.max(1, Math.floor(cacheSize / logicalZones)), pages));
  }

  static pageOf(lbn: number): number {
    return Math.floor(lbn / VDO_BLOCK_MAP_ENTRIES_PER_PAGE);
  }

  /** The logical zone owning an LBN: its page's tree, mod the zone count. */
  zoneOf(lbn: number): number {
    return (BlockMap.pageOf(lbn) % DEFAULT_VDO_BLOCK_MAP_TREE_ROOT_COUNT) % this.logicalZones;
  }

  /**
   * vdo_get_page for the leaf at block `pbn`: ready when the page is in the zone's cache;
   * otherwise the data_vio waits for the read, and `startRead` is true when the caller must
   * issue it (nobody else is reading the page).
   */
  getPage(zone: BlockMapZone, page: number, pbn: number, dv: DataVio): { ready: boolean; startRead: boolean; evicted: number } {
    if (zone.cache.has(page)) {
      zone.cache.touch(page, pbn);
      zone.hits++;
      return HIT;
    }
    zone.misses++;
    const waiters = zone.loading.get(page);
    if (waiters !== undefined) {
      waiters.push(dv);
      return WAIT;
    }
    zone.loading.set(page, [dv]);
    zone.pageReads++;
    return READ;
  }

  /** Puts a leaf page in the cache; returns the block of a dirty page it evicted (to write back), or -1. */
  insert(zone: BlockMapZone, page: number, pbn: number): number {
    zone.cache.touch(page, pbn);
    if (zone.cache.size <= zone.capacity) return -1;
    const victim = zone.cache.oldest();
    const victimPbn = zone.cache.pbnOf(victim);
    zone.cache.delete(victim);
    if (zone.dirty.has(victimPbn)) {
      zone.dirty.delete(victimPbn);
      return victimPbn;
    }
    return -1;
  }

  lookup(lbn: number): number {
    return this.mapping.getOr(lbn, 0);
  }

  /** vdo_put_mapped_block: the update, in journal order for the LBN; its leaf (at `leafPbn`) becomes dirty in `era`. */
  put(zone: BlockMapZone, lbn: number, leafPbn: number, entry: number, journalEntry: number, era: number): void {
    const last = this.lastApplied.getOr(lbn, 0);
    if (journalEntry < last) this.orderViolations++;
    this.lastApplied.set(lbn, journalEntry);
    if (entry === 0) this.mapping.delete(lbn);
    else this.mapping.set(lbn, entry);
    this.dirty(zone, leafPbn, era);
  }

  /** A page (by block) is dirty from `era` on, unless it already was. */
  dirty(zone: BlockMapZone, pbn: number, era: number): void {
    if (!zone.dirty.has(pbn)) {
      zone.dirty.set(pbn, era);
      zone.dirtyOrder.push(pbn);
    }
  }

  /** Pages (blocks) of `zone` whose era has expired at journal block `era`: written back now. */
  expired(zone: BlockMapZone, era: number): number[] {
    const out: number[] = [];
    for (let p = zone.dirtyOrder.peek(); p !== undefined; p = zone.dirtyOrder.peek()) {
      const e = zone.dirty.get(p);
      if (e === undefined) {
        zone.dirtyOrder.shift();
        continue;
      }
      if (e + this.eraLength > era) break;
      zone.dirtyOrder.shift();
      zone.dirty.delete(p);
      out.push(p);
    }
    return out;
  }
}

const HIT = Object.freeze({ ready: true, startRead: false, evicted: -1 });
const WAIT = Object.freeze({ ready: false, startRead: false, evicted: -1 });
const READ = Object.freeze({ ready: false, startRead: true, evicted: -1 });
