// The block map (block-map.c): LBN -> (PBN, state) in a forest of DEFAULT_VDO_BLOCK_MAP_TREE_ROOT_COUNT
// trees of 812-entry pages, interleaved page by page; tree n belongs to logical zone n mod L.
// Each logical zone caches its share of `block map cache size` pages (LRU). A leaf page not in
// the cache is read through a bio thread while the data_vios that need it wait; a page that
// was never written holds no mappings and costs no read. A page dirtied in era e (eras are
// counted in recovery-journal blocks) is written back once the journal has moved `era length`
// blocks past e, or when the cache evicts it.
// Simplifications [R]: interior tree pages are taken as cached (a few per 812 leaves), and a
// fresh volume's leaf pages as allocated (the kernel allocates a tree page on first write).
import { Deque } from '../../sim/deque.js';
import { DEFAULT_VDO_BLOCK_MAP_TREE_ROOT_COUNT, VDO_BLOCK_MAP_ENTRIES_PER_PAGE } from './constants.js';
import type { DataVio } from './data-vio.js';

export class BlockMapZone {
  /** Cached pages, least recently used first (Map keeps insertion order). */
  readonly cache = new Map<number, true>();
  /** Pages being read, with the data_vios waiting for each. */
  readonly loading = new Map<number, DataVio[]>();
  /** Dirty pages with the era they were first dirtied in, oldest first. */
  readonly dirty = new Map<number, number>();
  readonly dirtyOrder = new Deque<number>();
  hits = 0;
  misses = 0;
  pageReads = 0;
  pageWrites = 0;

  constructor(
    readonly index: number,
    readonly capacity: number,
  ) {}
}

export class BlockMap {
  /** The mappings, as (pbn * 16 + state); absent: unmapped. */
  readonly mapping = new Map<number, number>();
  /** Pages that exist on storage (written back at least once). */
  readonly writtenPages = new Set<number>();
  readonly zones: BlockMapZone[];
  /** Journal entry of the last update applied to each LBN (journal order check). */
  readonly lastApplied = new Map<number, number>();
  orderViolations = 0;

  constructor(
    readonly logicalZones: number,
    cacheSize: number,
    readonly eraLength: number,
    /** First storage block of the leaf-page area (see slab-depot.ts layout). */
    readonly pageBase: number,
  ) {
    this.zones = Array.from({ length: logicalZones }, (_, i) => new BlockMapZone(i, Math.max(1, Math.floor(cacheSize / logicalZones))));
  }

  static pageOf(lbn: number): number {
    return Math.floor(lbn / VDO_BLOCK_MAP_ENTRIES_PER_PAGE);
  }

  /** The logical zone owning an LBN: its page's tree, mod the zone count. */
  zoneOf(lbn: number): number {
    return (BlockMap.pageOf(lbn) % DEFAULT_VDO_BLOCK_MAP_TREE_ROOT_COUNT) % this.logicalZones;
  }

  pagePbn(page: number): number {
    return this.pageBase + page;
  }

  /**
   * vdo_find_block_map_slot's page step: true when the page is in the zone's cache (or needs
   * no read); false when the data_vio must wait for the read, and `startRead` is true when the
   * caller must issue it (nobody else is reading the page).
   */
  getPage(zone: BlockMapZone, page: number, dv: DataVio): { ready: boolean; startRead: boolean; evicted: number } {
    if (zone.cache.has(page)) {
      zone.cache.delete(page);
      zone.cache.set(page, true);
      zone.hits++;
      return HIT;
    }
    zone.misses++;
    const waiters = zone.loading.get(page);
    if (waiters !== undefined) {
      waiters.push(dv);
      return WAIT;
    }
    if (this.writtenPages.has(page)) {
      zone.loading.set(page, [dv]);
      zone.pageReads++;
      return READ;
    }
    return { ready: true, startRead: false, evicted: this.insert(zone, page) };
  }

  /** Puts a page in the cache; returns a dirty page it evicted (to write back), or -1. */
  insert(zone: BlockMapZone, page: number): number {
    zone.cache.set(page, true);
    if (zone.cache.size <= zone.capacity) return -1;
    const victim = zone.cache.keys().next().value as number;
    zone.cache.delete(victim);
    if (zone.dirty.has(victim)) {
      zone.dirty.delete(victim);
      return victim;
    }
    return -1;
  }

  lookup(lbn: number): number {
    return this.mapping.get(lbn) ?? 0;
  }

  /** vdo_put_mapped_block: the update, in journal order for the LBN; the page becomes dirty in `era`. */
  put(zone: BlockMapZone, lbn: number, entry: number, journalEntry: number, era: number): void {
    const last = this.lastApplied.get(lbn) ?? 0;
    if (journalEntry < last) this.orderViolations++;
    this.lastApplied.set(lbn, journalEntry);
    if (entry === 0) this.mapping.delete(lbn);
    else this.mapping.set(lbn, entry);
    const page = BlockMap.pageOf(lbn);
    if (!zone.dirty.has(page)) {
      zone.dirty.set(page, era);
      zone.dirtyOrder.push(page);
    }
  }

  /** Pages of `zone` whose era has expired at journal block `era`: written back now. */
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
