// dm-btree.c, one level of keys (dm_btree_info.levels = 1): 64-bit keys, values of a fixed
// size, nodes of calc_max_entries entries. Lookups walk a read-only spine; inserts walk a
// shadow spine, so the first insert after a commit copies every node from the root to the
// leaf, and a full node met on the way down is split before descending (the preemptive split
// that keeps room in every parent):
// - the root is split beneath it (btree_split_beneath): its entries go to two new children
//   and it becomes an internal node with two entries;
// - another node, by era (`pdata.btreeSplit`):
//   'sibling'   (3.x to 5.x, btree_split_sibling): half its entries move to a new right
//               sibling;
//   'rebalance' ("dm btree: improve btree residency", 2021): entries move to a left or right
//               sibling with at least 8 free entries if one is not shared; otherwise one node
//               splits into two at either end of the parent, two into three elsewhere.
import type { ProcessGenerator } from '../../sim/index.js';
import { PdataError } from './block-data.js';
import type { DmBuffer } from '../bufio/buffer.js';
import type { BlockData } from './block-data.js';
import type { DmBlock } from './block-manager.js';
import { BtreeNode, calcMaxEntries, insertAt, INTERNAL_NODE, LEAF_NODE, lowerBound } from './btree-node.js';
import { RoSpine, ShadowSpine, incChildren, type ValueType } from './btree-spine.js';
import type { DmTransactionManager } from './transaction-manager.js';

export type BtreeSplit = 'sibling' | 'rebalance';

/** What a try* call returns when it would have to wait (and so did nothing). */
export const NOT_NOW: unique symbol = Symbol('not now');

/** SPACE_THRESHOLD of rebalance_or_split. */
export const SPACE_THRESHOLD = 8;

export interface BtreeStats {
  lookups: number;
  inserts: number;
  splitsBeneath: number;
  splitsSibling: number;
  splitsTwoIntoThree: number;
  rebalances: number;
}

export class DmBtree {
  readonly stats: BtreeStats = { lookups: 0, inserts: 0, splitsBeneath: 0, splitsSibling: 0, splitsTwoIntoThree: 0, rebalances: 0 };
  readonly leafMaxEntries: number;
  readonly internalMaxEntries: number;

  constructor(
    readonly tm: DmTransactionManager,
    readonly vt: ValueType,
    readonly split: BtreeSplit = 'sibling',
  ) {
    this.leafMaxEntries = calcMaxEntries(vt.size, tm.bm.blockSize);
    this.internalMaxEntries = calcMaxEntries(8, tm.bm.blockSize);
  }

  /** dm_btree_empty: a new tree, one empty leaf; returns its root. */
  *empty(): ProcessGenerator<number> {
    const blk = yield* this.tm.newBlock(new BtreeNode(LEAF_NODE, this.leafMaxEntries, this.vt.size));
    const root = blk.location;
    yield* this.tm.unlock(blk);
    return root;
  }

  // Fast paths: lookup and insert when nothing on the path has to wait (every node cached,
  // the client lock free, each node's lock granted at once; for an insert, every node already
  // shadowed in this transaction, not shared and with room). A look-ahead walk (peekPath)
  // checks the whole path without taking or changing anything and keeps, per level, the
  // node's buffer and the key's lower_bound index; the call is then done on those buffers, the
  // kernel's steps in the kernel's order (ro_step / shadow_step, exit_*_spine) without a
  // generator, a spine object or a block handle. Either the whole call is done or nothing.

  /** The path the last peekPath found: per level the buffer, and lower_bound(key) in its node. */
  private readonly pathBufs: DmBuffer<BlockData>[] = [];
  private readonly pathIdx: number[] = [];
  private pathLen = 0;
  /** Levels a lookup of the peeked key walks: up to the leaf, or an internal node whose keys are all above it. */
  private pathLookupLen = 0;
  /** What a lookup of the peeked key returns. */
  private pathValue: unknown = undefined;

  /**
   * The look-ahead: whether a lookup (`forInsert` false) or an insert of `value` (true) of `key`
   * completes at once; if so the path is kept for lookupPathNow / insertPathNow. Changes
   * nothing (not even the LRU order).
   */
  private peekPath(root: number, key: number, forInsert: boolean, value: unknown): boolean {
    const tm = this.tm;
    const bm = tm.bm;
    if (forInsert && (!Number.isSafeInteger(key) || key < 0 || !bm.canUnlockNow)) return false;
    const bufs = this.pathBufs;
    const idx = this.pathIdx;
    let len = 0;
    let lookupLen = 0;
    let block = root;
    for (;;) {
      const buf = forInsert ? tm.shadowableNow(block) : bm.lockableNow(block, false);
      if (buf === null) return false;
      const n = buf.data as BtreeNode | undefined;
      if (n === undefined) return false; // never written: the generator path says so
      if (forInsert && !this.hasSpaceForInsert(n, key)) return false;
      const i = lowerBound(n, key);
      bufs[len] = buf;
      idx[len] = i;
      len++;
      if (lookupLen === 0 && (n.isLeaf || i < 0)) {
        // lookup's walk ends here (lookupNext -1): its value (lookupValue).
        lookupLen = len;
        this.pathValue = n.isLeaf && i >= 0 && n.keys[i] === key ? n.values[i] : undefined;
        if (!forInsert) break;
      }
      if (n.isLeaf) {
        // An overwrite that vt.dec must see takes the generator path.
        if (i >= 0 && n.keys[i] === key && this.vt.dec !== undefined && n.values[i] !== value) return false;
        break;
      }
      block = n.child(i < 0 ? 0 : i); // btree_insert_raw takes an internal node's lowest key
    }
    this.pathLen = len;
    this.pathLookupLen = lookupLen;
    return true;
  }

  /** dm_btree_lookup on the peeked path: ro_step down it, exit_ro_spine; the value. */
  private lookupPathNow(): unknown {
    this.stats.lookups++;
    const bm = this.tm.bm;
    const bufs = this.pathBufs;
    const len = this.pathLookupLen;
    for (let k = 0; k < len; k++) {
      if (k >= 2) bm.unlockNow(bufs[k - 2], false); // ro_step: the grandparent goes
      bm.lockNow(bufs[k], false);
    }
    for (let k = len >= 2 ? len - 2 : 0; k < len; k++) bm.unlockNow(bufs[k], false); // exit_ro_spine
    return this.pathValue;
  }

  /** dm_btree_insert on the peeked path (btree_insert_raw without splits, then insert_at); the new root. */
  private insertPathNow(key: number, value: unknown): number {
    this.stats.inserts++;
    const tm = this.tm;
    const bm = tm.bm;
    const bufs = this.pathBufs;
    const idx = this.pathIdx;
    const len = this.pathLen;
    let node: BtreeNode | null = null;
    for (let k = 0; k < len; k++) {
      if (k >= 2) bm.unlockNow(bufs[k - 2], true); // shadow_step: the grandparent goes
      const buf = bufs[k];
      tm.shadowInPlaceNow(buf);
      // Patch the parent to point at the shadow (in place: the same block).
      if (node !== null) node.values[idx[k - 1] < 0 ? 0 : idx[k - 1]] = buf.block;
      node = buf.data as BtreeNode;
      if (!node.isLeaf && idx[k] < 0) node.keys[0] = key; // change the bounds on the lowest key
    }
    const n = node as BtreeNode;
    let i = idx[len - 1];
    if (i < 0 || n.keys[i] !== key) i++;
    if (i >= n.nrEntries || n.keys[i] !== key) insertAt(n, i, key, value);
    else n.values[i] = value;
    for (let k = len >= 2 ? len - 2 : 0; k < len; k++) bm.unlockNow(bufs[k], true); // exit_shadow_spine
    return bufs[0].block;
  }

  /** lookup() when it completes at once: the value (undefined: -ENODATA); else NOT_NOW, nothing done. */
  tryLookup(root: number, key: number): unknown {
    if (!this.peekPath(root, key, false, undefined)) return NOT_NOW;
    return this.lookupPathNow();
  }

  /**
   * What lookup() would return, if every node on the path can be read-locked at once; else
   * NOT_NOW. Takes no lock and changes nothing (not even the LRU order): a look ahead.
   */
  peekValue(root: number, key: number): unknown {
    return this.peekPath(root, key, false, undefined) ? this.pathValue : NOT_NOW;
  }

  /**
   * Whether insert() would complete at once: every node on the path already shadowed in this
   * transaction, not shared, lockable at once and with room (no split), and no value
   * overwritten that vt.dec must drop. Changes nothing.
   */
  canInsertNow(root: number, key: number, value: unknown): boolean {
    return this.peekPath(root, key, true, value);
  }

  /** insert() when canInsertNow says it completes at once: the new root; else -1, nothing done. */
  tryInsert(root: number, key: number, value: unknown): number {
    if (!this.peekPath(root, key, true, value)) return -1;
    return this.insertPathNow(key, value);
  }

  /**
   * For a lookup of `key` followed by an insert of `value` under it (dmdedup's probe before its
   * insert): NOT_NOW unless the insert completes at once (and so the lookup, whose path is a
   * prefix of the insert's); else what the lookup will find. Changes nothing; if the caller
   * goes on, lookupThenInsertPeeked does both.
   */
  peekInsert(root: number, key: number, value: unknown): unknown {
    return this.peekPath(root, key, true, value) ? this.pathValue : NOT_NOW;
  }

  /** The lookup and then the insert peekInsert(root, key, value) just looked ahead at, nothing changed since: the new root. */
  lookupThenInsertPeeked(key: number, value: unknown): number {
    this.lookupPathNow();
    return this.insertPathNow(key, value);
  }

  /** dm_btree_lookup: the value, or undefined (-ENODATA). */
  *lookup(root: number, key: number): ProcessGenerator<unknown> {
    const fast = this.tryLookup(root, key);
    if (fast !== NOT_NOW) return fast;
    this.stats.lookups++;
    const s = new RoSpine(this.tm);
    let block = root;
    for (;;) {
      if (!s.tryStep(block)) yield* s.step(block);
      block = lookupNext(s.node, key);
      if (block < 0) break;
    }
    const result = lookupValue(s.node, key);
    if (!s.tryExit()) yield* s.exit();
    return result;
  }

  /** dm_btree_insert (insert or overwrite); returns the new root. */
  *insert(root: number, key: number, value: unknown): ProcessGenerator<number> {
    const fast = this.tryInsert(root, key, value);
    if (fast >= 0) return fast;
    return (yield* this.insertNotify(root, key, value)).root;
  }

  /** dm_btree_insert_notify: also says whether the key was new. */
  *insertNotify(root: number, key: number, value: unknown): ProcessGenerator<{ root: number; inserted: boolean }> {
    if (!Number.isSafeInteger(key) || key < 0) throw new PdataError('EINVAL', `btree key ${key} is not a 64-bit unsigned integer the model can hold`);
    this.stats.inserts++;
    const s = new ShadowSpine(this.tm);
    let index: number;
    try {
      index = yield* this.insertRaw(s, root, key);
    } catch (err) {
      // `bad:` exit_shadow_spine, so that the nodes held are unlocked (an -ENOSPC mid-insert).
      yield* s.exit();
      throw err;
    }
    const n = s.current.data as BtreeNode;
    let inserted: boolean;
    if (index >= n.nrEntries || n.keys[index] !== key) {
      insertAt(n, index, key, value);
      inserted = true;
    } else {
      const old = n.values[index];
      if (this.vt.dec !== undefined && old !== value) yield* this.vt.dec(old);
      n.values[index] = value;
      inserted = false;
    }
    const newRoot = s.root;
    if (!s.tryExit()) yield* s.exit();
    return { root: newRoot, inserted };
  }

  /** btree_insert_raw: shadow the path down to the leaf for `key`, making room on the way. */
  private *insertRaw(s: ShadowSpine, root: number, key: number): ProcessGenerator<number> {
    let i = -1;
    let top = true;
    let block = root;
    let node: BtreeNode;
    for (;;) {
      if (!s.tryStep(block)) yield* s.step(block, this.vt);
      // Patch the parent to point at the shadow.
      if (s.hasParent && i >= 0) (s.parent.data as BtreeNode).values[i] = s.current.location;
      node = s.current.data as BtreeNode;
      if (!this.hasSpaceForInsert(node, key)) {
        if (top) yield* this.splitBeneath(s);
        else if (this.split === 'sibling') yield* this.splitSibling(s, i, key);
        else yield* this.rebalanceOrSplit(s, i, key);
        node = s.current.data as BtreeNode;
      }
      i = insertIndex(node, key);
      if (node.isLeaf) break;
      block = node.child(i);
      top = false;
    }
    if (i < 0 || node.keys[i] !== key) i++;
    return i;
  }

  private hasSpaceForInsert(node: BtreeNode, key: number): boolean {
    if (node.nrEntries < node.maxEntries) return true;
    // 3.x split any full node; the 2021 code spares a full leaf when the insert overwrites.
    if (this.split === 'rebalance' && node.isLeaf) {
      const i = lowerBound(node, key);
      return i >= 0 && node.keys[i] === key;
    }
    return false;
  }

  private *newNode(like: BtreeNode): ProcessGenerator<DmBlock> {
    return yield* this.tm.newBlock(new BtreeNode(like.flags, like.maxEntries, like.valueSize));
  }

  /** A new node; if there is no space, `held` (a node the split locked) is unlocked first, as the kernel's error paths do. */
  private *newNodeOrUnlock(like: BtreeNode, held: DmBlock): ProcessGenerator<DmBlock> {
    try {
      return yield* this.newNode(like);
    } catch (err) {
      yield* this.tm.unlock(held);
      throw err;
    }
  }

  /** btree_split_beneath */
  private *splitBeneath(s: ShadowSpine): ProcessGenerator<void> {
    this.stats.splitsBeneath++;
    const pn = s.current.data as BtreeNode;
    const nrLeft = Math.floor(pn.nrEntries / 2);
    const left = yield* this.newNode(pn);
    const ln = left.data as BtreeNode;
    ln.keys = pn.keys.slice(0, nrLeft);
    ln.values = pn.values.slice(0, nrLeft);
    const right = yield* this.newNodeOrUnlock(pn, left);
    const rn = right.data as BtreeNode;
    rn.keys = pn.keys.slice(nrLeft);
    rn.values = pn.values.slice(nrLeft);
    pn.flags = INTERNAL_NODE;
    pn.maxEntries = this.internalMaxEntries;
    pn.valueSize = 8;
    pn.keys = [ln.keys[0], rn.keys[0]];
    pn.values = [left.location, right.location];
    yield* this.tm.unlock(left);
    yield* this.tm.unlock(right);
  }

  /** btree_split_sibling (split_one_into_two): half the entries go to a new right sibling. */
  private *splitSibling(s: ShadowSpine, parentIndex: number, key: number): ProcessGenerator<void> {
    this.stats.splitsSibling++;
    const left = s.current;
    const ln = left.data as BtreeNode;
    const right = yield* this.newNode(ln);
    const rn = right.data as BtreeNode;
    const nrLeft = Math.floor(ln.nrEntries / 2);
    rn.keys = ln.keys.slice(nrLeft);
    rn.values = ln.values.slice(nrLeft);
    ln.keys.length = nrLeft;
    ln.values.length = nrLeft;
    const pn = s.parent.data as BtreeNode;
    pn.values[parentIndex] = left.location;
    insertAt(pn, parentIndex + 1, rn.keys[0], right.location);
    // patch up the spine
    if (key < rn.keys[0]) {
      yield* this.tm.unlock(right);
    } else {
      yield* this.tm.unlock(left);
      s.nodes[1] = right;
    }
  }

  /** rebalance_or_split (2021) */
  private *rebalanceOrSplit(s: ShadowSpine, parentIndex: number, key: number): ProcessGenerator<void> {
    const parent = s.parent.data as BtreeNode;
    const nrParent = parent.nrEntries;
    let leftShared = false;
    let rightShared = false;
    if (parentIndex > 0) {
      const leftB = parent.child(parentIndex - 1);
      leftShared = this.tm.ref(leftB) > 1;
      if (!leftShared && (yield* this.freeSpace(leftB)) >= SPACE_THRESHOLD) return yield* this.rebalance(s, parentIndex, key, -1);
    }
    if (parentIndex < nrParent - 1) {
      const rightB = parent.child(parentIndex + 1);
      rightShared = this.tm.ref(rightB) > 1;
      if (!rightShared && (yield* this.freeSpace(rightB)) >= SPACE_THRESHOLD) return yield* this.rebalance(s, parentIndex, key, +1);
    }
    if (leftShared || rightShared || nrParent <= 2 || parentIndex === 0 || parentIndex + 1 === nrParent) {
      return yield* this.splitSibling(s, parentIndex, key);
    }
    return yield* this.splitTwoIntoThree(s, parentIndex, key);
  }

  /** get_node_free_space: read-locks the sibling to look at it. */
  private *freeSpace(b: number): ProcessGenerator<number> {
    const blk = yield* this.tm.readLock(b);
    const n = blk.data as BtreeNode;
    const space = n.maxEntries - n.nrEntries;
    yield* this.tm.unlock(blk);
    return space;
  }

  /** shadow_child: shadow a sibling and repoint the parent at it. */
  private *shadowChild(parent: BtreeNode, index: number): ProcessGenerator<DmBlock> {
    const { block, inc } = yield* this.tm.shadowBlock(parent.child(index));
    if (inc) yield* incChildren(this.tm, block.data as BtreeNode, this.vt);
    parent.values[index] = block.location;
    return block;
  }

  /** rebalance_left / rebalance_right */
  private *rebalance(s: ShadowSpine, parentIndex: number, key: number, side: -1 | 1): ProcessGenerator<void> {
    this.stats.rebalances++;
    const parent = s.parent.data as BtreeNode;
    const sib = yield* this.shadowChild(parent, parentIndex + side);
    const [lb, rb] = side < 0 ? [sib, s.current] : [s.current, sib];
    const ln = lb.data as BtreeNode;
    const rn = rb.data as BtreeNode;
    redistribute2(ln, rn);
    parent.keys[side < 0 ? parentIndex : parentIndex + 1] = rn.keys[0];
    const goLeft = key < rn.keys[0];
    const keep = goLeft ? lb : rb;
    const drop = goLeft ? rb : lb;
    yield* this.tm.unlock(drop);
    s.nodes[1] = keep;
  }

  /** split_two_into_three */
  private *splitTwoIntoThree(s: ShadowSpine, parentIndex: number, key: number): ProcessGenerator<void> {
    this.stats.splitsTwoIntoThree++;
    const pn = s.parent.data as BtreeNode;
    let left: DmBlock;
    let right: DmBlock;
    let middleIndex: number;
    if (parentIndex === 0) {
      middleIndex = 1;
      left = s.current;
      right = yield* this.shadowChild(pn, parentIndex + 1);
    } else {
      middleIndex = parentIndex;
      right = s.current;
      left = yield* this.shadowChild(pn, parentIndex - 1);
    }
    const ln = left.data as BtreeNode;
    const rn = right.data as BtreeNode;
    const middle = yield* this.newNodeOrUnlock(ln, s.current === left ? right : left);
    const mn = middle.data as BtreeNode;
    redistribute3(ln, mn, rn);
    pn.keys[middleIndex] = rn.keys[0];
    insertAt(pn, middleIndex, mn.keys[0], middle.location);
    let keep: DmBlock;
    if (key < mn.keys[0]) keep = left;
    else if (key < rn.keys[0]) keep = middle;
    else keep = right;
    for (const b of [left, middle, right]) if (b !== keep) yield* this.tm.unlock(b);
    s.nodes[1] = keep;
  }

  /** Visits every node of a tree (for checkers and tests): depth-first, with its depth. */
  *walk(root: number, visit: (location: number, node: BtreeNode, depth: number) => void): ProcessGenerator<void> {
    const rec = function* (this: DmBtree, b: number, depth: number): ProcessGenerator<void> {
      const blk = yield* this.tm.readLock(b);
      const n = blk.data as BtreeNode;
      visit(b, n, depth);
      const children = n.isLeaf ? [] : n.values.slice() as number[];
      yield* this.tm.unlock(blk);
      for (const c of children) yield* rec.call(this, c, depth + 1);
    };
    yield* rec.call(this, root, 0);
  }
}

/** redistribute2: even out two siblings (left gets the smaller half). */
function redistribute2(left: BtreeNode, right: BtreeNode): void {
  const keys = left.keys.concat(right.keys);
  const values = left.values.concat(right.values);
  const targetLeft = Math.floor(keys.length / 2);
  left.keys = keys.slice(0, targetLeft);
  left.values = values.slice(0, targetLeft);
  right.keys = keys.slice(targetLeft);
  right.values = values.slice(targetLeft);
}

/** redistribute3: spread two full siblings over three (the centre starts empty). */
function redistribute3(left: BtreeNode, center: BtreeNode, right: BtreeNode): void {
  const keys = left.keys.concat(right.keys);
  const values = left.values.concat(right.values);
  const total = keys.length;
  const targetLeft = Math.floor(total / 3);
  const targetCenter = Math.floor((total - targetLeft) / 2);
  left.keys = keys.slice(0, targetLeft);
  left.values = values.slice(0, targetLeft);
  center.keys = keys.slice(targetLeft, targetLeft + targetCenter);
  center.values = values.slice(targetLeft, targetLeft + targetCenter);
  right.keys = keys.slice(targetLeft + targetCenter);
  right.values = values.slice(targetLeft + targetCenter);
}

/** One level of a lookup at node n: the child to go down to, or -1 where the walk ends. */
function lookupNext(n: BtreeNode, key: number): number {
  const i = lowerBound(n, key);
  return i < 0 || i >= n.nrEntries || n.isLeaf ? -1 : n.child(i);
}

/** What a lookup that ended at node n finds: the key's value in a leaf, else undefined (-ENODATA). */
function lookupValue(n: BtreeNode, key: number): unknown {
  const i = lowerBound(n, key);
  return n.isLeaf && i >= 0 && i < n.nrEntries && n.keys[i] === key ? n.values[i] : undefined;
}

/** btree_insert_raw's index in node n; an internal node whose keys are all above `key` takes it as its lowest key. */
function insertIndex(n: BtreeNode, key: number): number {
  const i = lowerBound(n, key);
  if (n.isLeaf || i >= 0) return i;
  n.keys[0] = key; // change the bounds on the lowest key
  return 0;
}
