// A source tree for `cp -r`, described in the scenario rather than read from a disk:
//   trees:
//     /src/tree: { files: 200, size: 100K, dirs: 10 }        # every file 100 KiB
//     /src/tree2: { files: 500, size: 4K-1M }                # uniform between the two
//     /src/list: { sizes: [12K, 1M, 300] }                   # one file per size
// The source is taken to be in memory (the threads copied hot trees or images already
// cached): reading it costs the copy CPU only; its files go round-robin into `dirs`
// subdirectories (none: all at the top).
import type { RandomStream } from '../../sim/index.js';

export interface TreeSpec {
  files?: number;
  size?: number;
  sizeMax?: number;
  sizes?: number[];
  dirs: number;
}

export interface TreeFile {
  /** Path relative to the tree's root: "d3/f00017". */
  path: string;
  bytes: number;
}

/** Parses "100K", "1M", "4096", "4K-1M" (bytes; K M G are powers of 1024). Returns null if invalid. */
export function parseTreeSize(v: unknown): [number, number] | null {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return [v, v];
  if (typeof v !== 'string') return null;
  const one = (t: string) => {
    const m = /^(\d+(?:\.\d+)?)([KMG]?)i?B?$/i.exec(t.trim());
    return m === null ? null : Math.round(Number(m[1]) * { '': 1, K: 1024, M: 2 ** 20, G: 2 ** 30 }[m[2].toUpperCase()]!);
  };
  const parts = v.split('-');
  if (parts.length > 2) return null;
  const a = one(parts[0]);
  const b = parts.length === 2 ? one(parts[1]) : a;
  return a === null || b === null || b < a ? null : [a, b];
}

export function materializeTree(spec: TreeSpec, rng: RandomStream): TreeFile[] {
  const sizes: number[] = spec.sizes ?? [];
  if (spec.sizes === undefined) {
    for (let i = 0; i < (spec.files ?? 0); i++) {
      const lo = spec.size ?? 0;
      const hi = spec.sizeMax ?? lo;
      sizes.push(hi > lo ? Math.floor(lo + rng.random() * (hi - lo + 1)) : lo);
    }
  }
  return sizes.map((bytes, i) => {
    const name = `f${String(i).padStart(5, '0')}`;
    return { path: spec.dirs > 0 ? `d${i % spec.dirs}/${name}` : name, bytes };
  });
}
