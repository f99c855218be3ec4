// dm-btree-spine.c: walking down a btree holding at most two nodes, the current one and its
// parent. A read-only spine read-locks each node and drops the grandparent; a shadow spine
// shadows each node (copy-on-write through the transaction manager) and remembers the new
// root.
import type { ProcessGenerator } from '../../sim/index.js';
import type { DmBlock } from './block-manager.js';
import type { BtreeNode } from './btree-node.js';
import type { DmTransactionManager } from './transaction-manager.js';

export class RoSpine {
  private nodes: DmBlock[] = [];
  constructor(private readonly tm: DmTransactionManager) {}

  /** ro_step */
  *step(b: number): ProcessGenerator<void> {
    if (this.nodes.length === 2) yield* this.tm.unlock(this.nodes.shift() as DmBlock);
    this.nodes.push(yield* this.tm.readLock(b));
  }

  /** step() when nothing has to wait (the grandparent unlocked and `b` locked at once); else false, nothing done. */
  tryStep(b: number): boolean {
    const bm = this.tm.bm;
    if (this.nodes.length === 2 && !bm.canUnlockNow) return false;
    if (!bm.canLockNow(b, false)) return false;
    if (this.nodes.length === 2) bm.tryUnlock(this.nodes.shift() as DmBlock);
    this.nodes.push(bm.tryLock(b, false) as DmBlock);
    return true;
  }

  /** exit() when every unlock completes at once; else false, nothing done. */
  tryExit(): boolean {
    if (!tryUnlockAll(this.tm, this.nodes)) return false;
    this.nodes = [];
    return true;
  }

  get node(): BtreeNode {
    return this.nodes[this.nodes.length - 1].data as BtreeNode;
  }

  /** exit_ro_spine */
  *exit(): ProcessGenerator<void> {
    for (const n of this.nodes) yield* this.tm.unlock(n);
    this.nodes = [];
  }
}

export interface ValueType {
  /** Bytes of a value on disk (sizes the leaves). */
  size: number;
  /** Called for a shared leaf's values when it is shadowed (vt->inc), e.g. data block refcounts. */
  inc?: (values: readonly unknown[]) => ProcessGenerator<void>;
  /** Called for a value an insert overwrites with a different one (vt->dec). */
  dec?: (value: unknown) => ProcessGenerator<void>;
}

export class ShadowSpine {
  /** nodes[0] is the parent, nodes[1] the current node (when there are two). */
  nodes: DmBlock[] = [];
  root = -1;
  constructor(private readonly tm: DmTransactionManager) {}

  /** shadow_step: bn_shadow (shadow, and if the original was shared, inc its children). */
  *step(b: number, vt: ValueType): ProcessGenerator<void> {
    if (this.nodes.length === 2) yield* this.tm.unlock(this.nodes.shift() as DmBlock);
    const { block, inc } = yield* this.tm.shadowBlock(b);
    if (inc) yield* incChildren(this.tm, block.data as BtreeNode, vt);
    if (this.nodes.length === 0) this.root = block.location;
    this.nodes.push(block);
  }

  /** step() when nothing has to wait: the grandparent unlocked and `b` shadowed in place at once; else false, nothing done. */
  tryStep(b: number): boolean {
    const tm = this.tm;
    if (this.nodes.length === 2 && !tm.bm.canUnlockNow) return false;
    if (!tm.canShadowInPlaceNow(b)) return false;
    if (this.nodes.length === 2) tm.bm.tryUnlock(this.nodes.shift() as DmBlock);
    const block = tm.tryShadowInPlace(b) as DmBlock;
    if (this.nodes.length === 0) this.root = block.location;
    this.nodes.push(block);
    return true;
  }

  /** exit() when every unlock completes at once; else false, nothing done. */
  tryExit(): boolean {
    if (!tryUnlockAll(this.tm, this.nodes)) return false;
    this.nodes = [];
    return true;
  }

  get current(): DmBlock {
    return this.nodes[this.nodes.length - 1];
  }

  get parent(): DmBlock {
    return this.nodes[0];
  }

  get hasParent(): boolean {
    return this.nodes.length >= 2;
  }

  /** exit_shadow_spine */
  *exit(): ProcessGenerator<void> {
    for (const n of this.nodes) yield* this.tm.unlock(n);
    this.nodes = [];
  }
}

/** inc_children: a shared node was copied, so everything it points to gains a reference. */
export function* incChildren(tm: DmTransactionManager, n: BtreeNode, vt: ValueType): ProcessGenerator<void> {
  if (!n.isLeaf) {
    for (let i = 0; i < n.nrEntries; i++) yield* tm.inc(n.child(i));
  } else if (vt.inc !== undefined) {
    yield* vt.inc(n.values);
  }
}

/** Unlocks every node when all the unlocks complete at once; else false, nothing done. */
function tryUnlockAll(tm: DmTransactionManager, nodes: readonly DmBlock[]): boolean {
  if (!tm.bm.canUnlockNow) return false;
  for (const n of nodes) tm.bm.tryUnlock(n);
  return true;
}
