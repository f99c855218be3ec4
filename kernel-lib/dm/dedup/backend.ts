// dmdedup's metadata backend API (dm-dedup-backend.h, dm-dedup-kvstore.h): the LBN->PBN store
// (a "linear" key-value store), the hash->PBN store (a "sparse" one) and the data blocks'
// allocation and reference counts.
//
// Reference counts as dmdedup keeps them: a new PBN comes from the allocator with count 1 (the
// hash->PBN entry's reference) and gains one per LBN mapped to it; an overwrite drops the old
// PBN's LBN reference only, so a block nobody maps keeps count 1 until garbage collection
// deletes its hash entry and drops that last reference.
import type { ProcessGenerator } from '../../sim/index.js';
import type { NOT_NOW } from '../persistent-data/btree.js';

export interface DedupBackend {
  readonly name: 'inram' | 'cowbtree';
  lookupLbn(lbn: number): ProcessGenerator<number | undefined>;
  /** lookupLbn when it completes without waiting (no generator frame); else NOT_NOW, nothing done. */
  tryLookupLbn(lbn: number): number | undefined | typeof NOT_NOW;
  /** lookupHash when it completes without waiting; else NOT_NOW, nothing done. */
  tryLookupHash(fp: number): number | undefined | typeof NOT_NOW;
  insertLbn(lbn: number, pbn: number): ProcessGenerator<void>;
  /** The PBN holding the content with this fingerprint, or undefined. */
  lookupHash(fp: number): ProcessGenerator<number | undefined>;
  insertHash(fp: number, pbn: number): ProcessGenerator<void>;
  deleteHash(fp: number): ProcessGenerator<void>;
  /** Every (fingerprint, pbn) of the hash store (kvs_iterate). */
  hashes(): ProcessGenerator<[number, number][]>;
  allocDataBlock(): ProcessGenerator<number>;
  incRefcount(pbn: number): ProcessGenerator<void>;
  decRefcount(pbn: number): ProcessGenerator<void>;
  /** insertLbn (insertHash) when it completes without waiting (no generator frame); else false, nothing done. */
  tryInsertLbn(lbn: number, pbn: number): boolean;
  tryInsertHash(fp: number, pbn: number): boolean;
  /** allocDataBlock when it completes without waiting (no generator frame); else -1, nothing done. */
  tryAllocDataBlock(): number;
  /** incRefcount (decRefcount) when it completes without waiting; else false, nothing done. */
  tryIncRefcount(pbn: number): boolean;
  tryDecRefcount(pbn: number): boolean;
  refcount(pbn: number): number;
  /** flush_meta: commit the transaction (no-op for inram). */
  flushMeta(): ProcessGenerator<void>;
  /** Data blocks in use (count > 0). */
  readonly usedDataBlocks: number;
}

/**
 * The first eight bytes of the digest, which key the hash store's btree: a 52-bit mix of the
 * content's fingerprint (what the simulation has instead of the bytes).
 */
export function hashKey(fp: number): number {
  const lo0 = fp >>> 0;
  const hi0 = Math.floor(fp / 2 ** 32) >>> 0;
  let a = Math.imul(lo0 ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(hi0 + 0x7f4a7c15, 0xc2b2ae35);
  a ^= a >>> 16;
  a = Math.imul(a, 0x27d4eb2f);
  a ^= a >>> 13;
  let b = Math.imul(hi0 ^ a ^ 0x165667b1, 0x9e3779b1);
  b ^= b >>> 15;
  return (b >>> 12) * 2 ** 32 + (a >>> 0);
}
