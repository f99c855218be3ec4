// The region lock table of device-mapper targets: dm-bio-prison-v1 (drivers/md/
// dm-bio-prison-v1.c), used by thin, cache and (in their own words) clone's hydrations and
// the snapshot's pending exceptions. A cell is a lock on a key range (a block, a region, a
// chunk): the first bio to ask for it becomes the holder and goes on; later bios for the
// same key are detained in the cell; releasing the cell hands the holder and the detained
// bios back to the caller (who re-issues or completes them). Cells are looked up in a tree
// per lock region under that region's spinlock: one lock for the whole prison before 6.5,
// then as many regions as dm_num_hash_locks() gives (2 x CPUs rounded up to a power of two,
// at most 64), chosen by the key's block (lock_nr). Contention on those spinlocks is
// simulated: a detain or release spins on the region's lock and spends its CPU under it.
import type { Bio } from '../block/bio.js';
import { chargeCpu, type Thread } from '../sim/cpu.js';
import type { ProcessGenerator, Simulation } from '../sim/index.js';
import { SpinLock } from '../sim/spinlock.js';

/** struct dm_bio_prison_cell. */
export class PrisonCell {
  /** The bio that took the cell (null for a cell taken without a bio: dm_get_cell). */
  holder: Bio | null;
  /** Bios detained behind the holder, in arrival order. */
  readonly bios: Bio[] = [];

  constructor(
    readonly key: number,
    holder: Bio | null,
  ) {
    this.holder = holder;
  }
}

export interface BioPrisonOptions {
  /** Name of the lock class in the lock report ("clone.hydrations", "thin.prison"). */
  name: string;
  /** Lock regions: 1 (a single prison lock, before 6.5) or a power of two up to 64. */
  locks?: number;
  /** CPU under the lock per lookup/insert/remove (ns); rb-tree walk plus list handling. */
  opNs?: number;
}

/** BIO_PRISON_MAX_RANGE_SHIFT: keys map to lock regions by block >> this. */
const RANGE_SHIFT = 10;

/** dm_num_hash_locks(): 2 x the CPUs, a power of two, at most 64 (the 6.5 prison). */
export function prisonLocksFor(cpus: number): number {
  let n = 1;
  while (n < 2 * cpus && n < 64) n *= 2;
  return n;
}

export class BioPrison {
  readonly name: string;
  private readonly regions: Map<number, PrisonCell>[];
  private readonly locks: SpinLock[];
  private readonly mask: number;
  private readonly opNs: number;
  /** Detains that found the cell held (the bio waits), over all detains. */
  detained = 0;
  detains = 0;

  constructor(
    readonly sim: Simulation,
    options: BioPrisonOptions,
  ) {
    const n = options.locks ?? 1;
    if (!(Number.isInteger(n) && n >= 1 && n <= 64 && (n & (n - 1)) === 0)) throw new Error(`${options.name}: locks must be a power of two in 1..64, got ${n}`);
    this.name = options.name;
    this.mask = n - 1;
    this.opNs = options.opNs ?? 150;
    this.regions = Array.from({ length: n }, () => new Map());
    this.locks = Array.from({ length: n }, () => new SpinLock(sim, `${options.name}.prison_lock`));
  }

  /** lock_nr(): the region of a key. */
  regionOf(key: number): number {
    return Math.floor(key / 2 ** RANGE_SHIFT) & this.mask;
  }

  /** The cell of `key`, if someone holds it (no lock taken: for statistics and tests). */
  peek(key: number): PrisonCell | undefined {
    return this.regions[this.regionOf(key)].get(key);
  }

  /** Cells held now. */
  get size(): number {
    let n = 0;
    for (const r of this.regions) n += r.size;
    return n;
  }

  /**
   * dm_bio_detain: takes the cell of `key` for `bio`, or, when someone holds it, detains the
   * bio in it. Returns the cell and whether the bio was detained (true: the caller must not
   * touch it until the cell is released).
   */
  *detain(thread: Thread | null, key: number, bio: Bio | null): ProcessGenerator<{ cell: PrisonCell; detained: boolean }> {
    const r = this.regionOf(key);
    const lock = this.locks[r];
    yield lock.lock();
    const cost = chargeCpu(this.sim, thread, this.opNs);
    if (cost !== null) yield cost;
    const cells = this.regions[r];
    let cell = cells.get(key);
    let detained = false;
    this.detains++;
    if (cell === undefined) {
      cell = new PrisonCell(key, bio);
      cells.set(key, cell);
    } else {
      if (bio !== null) cell.bios.push(bio);
      detained = true;
      this.detained++;
    }
    lock.unlock();
    return { cell, detained };
  }

  /**
   * dm_cell_release: frees the cell and hands back its holder (if any) followed by the
   * detained bios, in the order they came.
   */
  *release(thread: Thread | null, cell: PrisonCell): ProcessGenerator<Bio[]> {
    const r = this.regionOf(cell.key);
    const lock = this.locks[r];
    yield lock.lock();
    const cost = chargeCpu(this.sim, thread, this.opNs);
    if (cost !== null) yield cost;
    if (this.regions[r].get(cell.key) !== cell) {
      lock.unlock();
      throw new Error(`${this.name}: cell for key ${cell.key} released twice`);
    }
    this.regions[r].delete(cell.key);
    lock.unlock();
    const out = cell.holder !== null ? [cell.holder, ...cell.bios] : cell.bios.slice();
    return out;
  }

  /** dm_cell_release_no_holder: the detained bios only (the holder goes its own way). */
  *releaseNoHolder(thread: Thread | null, cell: PrisonCell): ProcessGenerator<Bio[]> {
    const bios = yield* this.release(thread, cell);
    return cell.holder !== null ? bios.slice(1) : bios;
  }
}
