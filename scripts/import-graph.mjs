// The import graph of kernel-lib/: every static `import`/`export ... from` of a relative
// module, with whether it is type-only. Used by test/architecture/layering.test.ts (layers
// import only downwards, no import cycles) and runnable by hand:
//   node scripts/import-graph.mjs          prints the cycles, value and type-only
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : /\.(ts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** Edges { from, to, typeOnly } between files under kernel-lib/ (paths relative to the root). */
export function importGraph(root = ROOT) {
  const files = walk(path.join(root, 'kernel-lib'));
  const known = new Set(files.map((f) => path.relative(root, f)));
  const edges = [];
  const re = /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"](\.[^'"]+)['"]/gm;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(re)) {
      let to = path.relative(root, path.resolve(path.dirname(file), m[4]));
      if (!known.has(to)) to = to.replace(/\.js$/, '.ts');
      if (!known.has(to)) continue;
      // `import { type A, type B }` is type-only too.
      const names = m[3].replace(/^\{|\}$/g, '').split(',').map((s) => s.trim()).filter(Boolean);
      const typeOnly = m[2] !== undefined || (names.length > 0 && m[3].startsWith('{') && names.every((n) => n.startsWith('type ')));
      edges.push({ from: path.relative(root, file), to, typeOnly });
    }
  }
  return edges;
}

/** Strongly connected components with more than one file (Tarjan), over the given edges. */
export function cycles(edges) {
  const adj = new Map();
  for (const e of edges) {
    if (!adj.has(e.from)) adj.set(e.from, []);
    adj.get(e.from).push(e.to);
  }
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], on = new Set(), out = [];
  const strong = (v) => {
    idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
    for (const w of adj.get(v) ?? []) {
      if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do { w = stack.pop(); on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of adj.keys()) if (!idx.has(v)) strong(v);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const edges = importGraph();
  for (const c of cycles(edges)) {
    const inside = edges.filter((e) => c.includes(e.from) && c.includes(e.to));
    console.log(`cycle (${inside.every((e) => e.typeOnly) ? 'type-only' : 'VALUE'}): ${c.join(' ')}`);
    for (const e of inside) console.log(`  ${e.from} -> ${e.to}${e.typeOnly ? ' (type)' : ''}`);
  }
}
