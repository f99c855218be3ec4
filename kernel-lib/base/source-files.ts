// The source files below a folder, for the hashes that decide whether something built from
// them is stale (the model version of cached sweep results, the notebook compile cache):
// sorted, so a hash never depends on readdir order; dot-files and dot-folders left out.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SourceFileFilter {
  /** Top-level folders to leave out. */
  skipTopLevel?: ReadonlySet<string>;
  /** Only files whose name matches (default: every file). */
  include?: RegExp;
  /** Give up (null) past this many files: a checkout that large is not a project. */
  max?: number;
}

/** Paths relative to `root`, in sorted walk order, or null past `filter.max`. */
export function sourceFiles(root: string, filter: SourceFileFilter = {}): string[] | null {
  const files: string[] = [];
  const max = filter.max ?? Infinity;
  const walk = (rel: string): boolean => {
    const entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.name.startsWith('.')) continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (rel === '' && filter.skipTopLevel?.has(e.name)) continue;
        if (!walk(child)) return false;
      } else if (e.isFile() && (filter.include === undefined || filter.include.test(e.name))) {
        files.push(child);
        if (files.length > max) return false;
      }
    }
    return true;
  };
  return walk('') ? files : null;
}
