// A thin_check-like look at what reached the media: the superblock, and every btree node
// reachable from its roots present, of the right kind, with sorted keys within bounds, all
// leaves at one depth. What it does not check: space-map counts (the bitmap blocks' content
// is not modelled, the counts live in memory).
import type { BlockMedia } from '../bufio/media.js';
import type { BlockData } from './block-data.js';
import { BtreeNode } from './btree-node.js';
import { SUPERBLOCK_LOCATION, Superblock } from './persistent-metadata.js';

export interface MetadataCheck {
  ok: boolean;
  generation: number;
  problems: string[];
  /** Per root name: its key-value pairs as the media holds them. */
  trees: Record<string, Map<number, unknown>>;
  /** Btree nodes reachable from the superblock. */
  nodes: number;
}

export function checkMetadata(media: BlockMedia<BlockData>): MetadataCheck {
  const problems: string[] = [];
  const trees: Record<string, Map<number, unknown>> = {};
  let nodes = 0;
  const sb = media.peek(SUPERBLOCK_LOCATION);
  if (!(sb instanceof Superblock)) {
    return { ok: false, generation: -1, problems: ['no superblock on the media'], trees, nodes };
  }
  for (const [name, root] of Object.entries(sb.roots)) {
    const kv = new Map<number, unknown>();
    trees[name] = kv;
    let leafDepth = -1;
    const visit = (b: number, depth: number, lo: number, hi: number): void => {
      const n = media.peek(b);
      if (!(n instanceof BtreeNode)) {
        problems.push(`${name}: block ${b} (depth ${depth}) is ${n === undefined ? 'not on the media' : `a ${n.kind}`}, not a btree node`);
        return;
      }
      nodes++;
      for (let i = 0; i < n.keys.length; i++) {
        if (i > 0 && n.keys[i] <= n.keys[i - 1]) problems.push(`${name}: node ${b} keys out of order at ${i}`);
        if (n.keys[i] < lo || n.keys[i] >= hi) {
          // An internal node's first key may be lowered below its parent's (dm-btree does so).
          if (!(i === 0 && n.keys[i] < lo)) problems.push(`${name}: node ${b} key ${n.keys[i]} outside [${lo}, ${hi})`);
        }
      }
      if (n.keys.length > n.maxEntries) problems.push(`${name}: node ${b} overfull`);
      if (n.isLeaf) {
        if (leafDepth < 0) leafDepth = depth;
        else if (leafDepth !== depth) problems.push(`${name}: leaf ${b} at depth ${depth}, others at ${leafDepth}`);
        for (let i = 0; i < n.keys.length; i++) kv.set(n.keys[i], n.values[i]);
        return;
      }
      for (let i = 0; i < n.keys.length; i++) visit(n.child(i), depth + 1, i === 0 ? -Infinity : n.keys[i], i + 1 < n.keys.length ? n.keys[i + 1] : hi);
    };
    visit(root, 0, -Infinity, Infinity);
  }
  return { ok: problems.length === 0, generation: sb.generation, problems, trees, nodes };
}
