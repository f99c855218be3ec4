// The cowbtree backend (dm-dedup-cbt.c): persistent-data on the metadata device. The
// LBN->PBN store is a btree keyed by LBN with 8-byte values; the hash->PBN store a btree keyed
// by the digest's first 8 bytes whose values are the whole digest and the PBN (16 + 8 bytes
// for md5: 126 entries a leaf), with linear probing on the key when two digests share it
// (up to curr_lpmax, raised as inserts probe further) and tombstones for deletions. Reference
// counts live in the data space map. flush_meta is __commit_transaction.
import type { ProcessGenerator } from '../../sim/index.js';
import { NOT_NOW, type DmBtree } from '../persistent-data/btree.js';
import type { PersistentMetadata } from '../persistent-data/persistent-metadata.js';
import { hashKey, type DedupBackend } from './backend.js';

/** Linear probing limits of the sparse store [R: the constants' values were not read]. */
export const MAX_LINEAR_PROBING_LIMIT = 16;
const TOMBSTONE = 'deleted';

interface HashEntry {
  fp: number;
  pbn: number;
}

export class CowbtreeBackend implements DedupBackend {
  readonly name = 'cowbtree';
  private readonly lbnTree: DmBtree;
  private readonly hashTree: DmBtree;
  lbnRoot = -1;
  hashRoot = -1;
  private currLpmax = 0;

  constructor(
    readonly metadata: PersistentMetadata,
    digestBytes: number,
  ) {
    this.lbnTree = metadata.btree({ size: 8 });
    this.hashTree = metadata.btree({ size: digestBytes + 8 });
    metadata.rootsProvider = () => ({ lbn_pbn: this.lbnRoot, hash_pbn: this.hashRoot });
  }

  /** The data space map (made by format(), which every use follows). */
  private get dataSm(): NonNullable<PersistentMetadata['dataSm']> {
    return this.metadata.dataSm as NonNullable<PersistentMetadata['dataSm']>;
  }

  get usedDataBlocks(): number {
    const sm = this.metadata.dataSm;
    return sm === null ? 0 : sm.nrBlocks - sm.nrFree;
  }

  /** init_meta + kvs_create_*: format the device and commit. */
  *create(): ProcessGenerator<void> {
    yield* this.metadata.format();
    this.hashRoot = yield* this.hashTree.empty();
    this.lbnRoot = yield* this.lbnTree.empty();
    yield* this.flushMeta();
  }

  *lookupLbn(lbn: number): ProcessGenerator<number | undefined> {
    return (yield* this.lbnTree.lookup(this.lbnRoot, lbn)) as number | undefined;
  }

  *insertLbn(lbn: number, pbn: number): ProcessGenerator<void> {
    this.lbnRoot = yield* this.lbnTree.insert(this.lbnRoot, lbn, pbn);
  }

  tryLookupLbn(lbn: number): number | undefined | typeof NOT_NOW {
    return this.lbnTree.tryLookup(this.lbnRoot, lbn) as number | undefined | typeof NOT_NOW;
  }

  /**
   * lookupHash when every probe's lookup completes at once. A probe that would wait comes
   * after probes already done, so it cannot give up then: it is done with the generator.
   */
  tryLookupHash(fp: number): number | undefined | typeof NOT_NOW {
    const key = hashKey(fp);
    if (this.currLpmax > 0) return NOT_NOW;
    const e = this.hashTree.tryLookup(this.hashRoot, key) as HashEntry | typeof TOMBSTONE | undefined | typeof NOT_NOW;
    if (e === NOT_NOW) return NOT_NOW;
    if (e === undefined) return undefined;
    if (e !== TOMBSTONE && e.fp === fp) return e.pbn;
    return undefined;
  }

  *lookupHash(fp: number): ProcessGenerator<number | undefined> {
    const key = hashKey(fp);
    for (let i = 0; i <= this.currLpmax; i++) {
      const e = (yield* this.hashTree.lookup(this.hashRoot, key + i)) as HashEntry | typeof TOMBSTONE | undefined;
      if (e === undefined) return undefined;
      if (e !== TOMBSTONE && e.fp === fp) return e.pbn;
    }
    return undefined;
  }

  *insertHash(fp: number, pbn: number): ProcessGenerator<void> {
    const key = hashKey(fp);
    for (let i = 0; i <= MAX_LINEAR_PROBING_LIMIT; i++) {
      const e = (yield* this.hashTree.lookup(this.hashRoot, key + i)) as HashEntry | typeof TOMBSTONE | undefined;
      if (e === undefined || e === TOMBSTONE || e.fp === fp) {
        this.hashRoot = yield* this.hashTree.insert(this.hashRoot, key + i, { fp, pbn });
        if (i > this.currLpmax) this.currLpmax = i;
        return;
      }
    }
    this.currLpmax = MAX_LINEAR_PROBING_LIMIT;
    throw new Error('linear probing hard limit hit for insert');
  }

  /** kvs_delete_sparse: a tombstone (the btree removal of the kernel's last-in-chain case is not modelled). */
  *deleteHash(fp: number): ProcessGenerator<void> {
    const key = hashKey(fp);
    for (let i = 0; i <= this.currLpmax; i++) {
      const e = (yield* this.hashTree.lookup(this.hashRoot, key + i)) as HashEntry | typeof TOMBSTONE | undefined;
      if (e === undefined) return;
      if (e !== TOMBSTONE && e.fp === fp) {
        this.hashRoot = yield* this.hashTree.insert(this.hashRoot, key + i, TOMBSTONE);
        return;
      }
    }
  }

  *hashes(): ProcessGenerator<[number, number][]> {
    const out: [number, number][] = [];
    yield* this.hashTree.walk(this.hashRoot, (_b, n) => {
      if (!n.isLeaf) return;
      for (const v of n.values) if (v !== TOMBSTONE) out.push([(v as HashEntry).fp, (v as HashEntry).pbn]);
    });
    return out;
  }

  *allocDataBlock(): ProcessGenerator<number> {
    return yield* this.dataSm.newBlock();
  }

  *incRefcount(pbn: number): ProcessGenerator<void> {
    yield* this.dataSm.inc(pbn);
  }

  *decRefcount(pbn: number): ProcessGenerator<void> {
    yield* this.dataSm.dec(pbn);
  }

  tryInsertLbn(lbn: number, pbn: number): boolean {
    const root = this.lbnTree.tryInsert(this.lbnRoot, lbn, pbn);
    if (root < 0) return false;
    this.lbnRoot = root;
    return true;
  }

  /**
   * insertHash when its first probe finds a free slot (or the same digest) and both that
   * probe's lookup and the insert complete at once (looked ahead first, so that nothing is
   * done unless all of it is); else false.
   */
  tryInsertHash(fp: number, pbn: number): boolean {
    const key = hashKey(fp);
    const value: HashEntry = { fp, pbn };
    const e = this.hashTree.peekInsert(this.hashRoot, key, value) as HashEntry | typeof TOMBSTONE | undefined | typeof NOT_NOW;
    if (e === NOT_NOW || !(e === undefined || e === TOMBSTONE || e.fp === fp)) return false;
    this.hashRoot = this.hashTree.lookupThenInsertPeeked(key, value);
    return true;
  }

  tryAllocDataBlock(): number {
    return this.dataSm.tryNewBlock();
  }

  tryIncRefcount(pbn: number): boolean {
    return this.dataSm.tryInc(pbn);
  }

  tryDecRefcount(pbn: number): boolean {
    return this.dataSm.tryDec(pbn);
  }

  refcount(pbn: number): number {
    return this.dataSm.count(pbn);
  }

  *flushMeta(): ProcessGenerator<void> {
    yield* this.metadata.commit();
  }
}
