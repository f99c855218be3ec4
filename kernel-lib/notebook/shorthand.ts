// Works around a tslab converter bug: a shorthand property naming a variable of an earlier
// cell (`sweep({ seed })` after `const seed = 1` in the parameters cell) is emitted as is,
// while the variable now lives at `exports.seed`, so the cell fails with "seed is not
// defined". Writing every shorthand out (`{ seed: seed }`) before conversion avoids it; the
// meaning is the same, and line numbers do not move.
import { createRequire } from 'node:module';
import type * as TS from 'typescript';

// The TypeScript that tslab itself bundles (a dependency of tslab, not of the project).
const requireFromTslab = createRequire(createRequire(import.meta.url).resolve('tslab/package.json'));
const ts = requireFromTslab('@tslab/typescript-for-tslab') as typeof TS;

/** Cheap pre-check: something that may be a shorthand property (`{ a,`, `, a }`, `{ a = 1`). */
const MAYBE_SHORTHAND = /[{,]\s*[A-Za-z_$][\w$]*\s*[,}=]/;

export function expandShorthandProperties(source: string): string {
  if (!MAYBE_SHORTHAND.test(source)) return source;
  const file = ts.createSourceFile('cell.ts', source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const insertions: number[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isShorthandPropertyAssignment(node)) insertions.push(node.name.end);
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = source;
  for (const at of insertions.sort((a, b) => b - a)) {
    const name = /[\w$]+$/.exec(source.slice(0, at))![0];
    out = `${out.slice(0, at)}: ${name}${out.slice(at)}`;
  }
  return out;
}
