// A thin_check-like look at what reached the media: the superblock, and every btree node
// reachable from its roots present, of the right kind, with sorted keys within bounds, all
// leaves at one depth; the space maps' index and bitmap blocks present, and the metadata
// space map's counts agreeing with the references the check found (a referenced block
// counted less than it is referenced is a problem: it would be handed out again; a block
// counted and referenced by nothing is a leak, reported apart, as thin_check does). Values
// are not followed: btree values that are metadata blocks (dm-array's) are not counted.
// The data space map's counts are returned for the client to check against its values.
import type { BlockMedia } from '../bufio/media.js';
import { BitmapBlock, type BlockData } from './block-data.js';
import { BtreeNode } from './btree-node.js';
import { SUPERBLOCK_LOCATION, Superblock } from './persistent-metadata.js';
import { entriesPerBitmapBlock } from './space-map.js';

/** The checker reads 4 KiB metadata blocks, as every client here formats them. */
const ENTRIES_PER_BITMAP = entriesPerBitmapBlock(4096);

export interface MetadataCheck {
  ok: boolean;
  generation: number;
  problems: string[];
  /** Per root name: its key-value pairs as the media holds them. */
  trees: Record<string, Map<number, unknown>>;
  /** Btree nodes reachable from the superblock. */
  nodes: number;
  /** Metadata blocks counted in the space map that nothing references (not a problem). */
  leakedBlocks: number;
  /** The data space map's count of a data block as the media holds it (255: 255 or more). */
  dataCount(block: number): number;
}

export function checkMetadata(media: BlockMedia<BlockData>): MetadataCheck {
  const problems: string[] = [];
  const trees: Record<string, Map<number, unknown>> = {};
  let nodes = 0;
  const noCounts = () => 0;
  const sb = media.peek(SUPERBLOCK_LOCATION);
  if (!(sb instanceof Superblock)) {
    return { ok: false, generation: -1, problems: ['no superblock on the media'], trees, nodes, leakedBlocks: 0, dataCount: noCounts };
  }
  // References to metadata blocks found by the walk.
  const refs = new Map<number, number>();
  const ref = (b: number) => refs.set(b, (refs.get(b) ?? 0) + 1);
  ref(SUPERBLOCK_LOCATION);
  const smCounts = (label: string, sm: { index: number; bitmaps: number[] } | null): (Uint8Array | null)[] | null => {
    if (sm === null) return null;
    ref(sm.index);
    const idx = media.peek(sm.index);
    if (idx?.kind !== 'sm-index') problems.push(`${label} space map: index block ${sm.index} is ${idx === undefined ? 'not on the media' : `a ${idx.kind}`}`);
    const out: (Uint8Array | null)[] = [];
    for (const b of sm.bitmaps) {
      ref(b);
      const bm = media.peek(b);
      if (bm instanceof BitmapBlock) out.push(bm.counts);
      else {
        problems.push(`${label} space map: bitmap block ${b} is ${bm === undefined ? 'not on the media' : `a ${bm.kind}`}`);
        out.push(null);
      }
    }
    return out;
  };
  const metaBitmaps = smCounts('metadata', sb.metadataSm) as (Uint8Array | null)[];
  const dataBitmaps = smCounts('data', sb.dataSm);
  const countIn = (bitmaps: (Uint8Array | null)[], b: number): number => {
    const m = bitmaps[Math.floor(b / ENTRIES_PER_BITMAP)];
    return m == null ? 0 : (m[b % ENTRIES_PER_BITMAP] ?? 0);
  };
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
      ref(b);
      if (refs.get(b) !== 1) return; // shared subtree (not in the clients checked): walked once
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
  // The metadata space map against the references found.
  let leakedBlocks = 0;
  if (problems.length === 0) {
    const per = ENTRIES_PER_BITMAP;
    const undercounted: number[] = [];
    for (const [b, n] of refs) if (countIn(metaBitmaps, b) < Math.min(n, 255)) undercounted.push(b);
    if (undercounted.length > 0) {
      problems.push(`metadata space map: ${undercounted.length} referenced block(s) counted less than referenced (first: ${undercounted.slice(0, 5).join(', ')}): they would be allocated again`);
    }
    for (let i = 0; i < metaBitmaps.length; i++) {
      const m = metaBitmaps[i];
      if (m === null) continue;
      for (let j = 0; j < m.length; j++) if (m[j] > 0 && !refs.has(i * per + j)) leakedBlocks++;
    }
  }
  const dataCount = dataBitmaps === null ? noCounts : (b: number) => countIn(dataBitmaps, b);
  return { ok: problems.length === 0, generation: sb.generation, problems, trees, nodes, leakedBlocks, dataCount };
}
