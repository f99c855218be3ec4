#!/usr/bin/env node
// Lists the kernel-lib modules that have behaviour but no test at the mirrored path
// (kernel-lib/a/b.ts -> test/a/b.test.ts). A module has behaviour when it declares a function,
// a class or an arrow function; files of types, re-exports and constant tables have none.
// Folders whose tests are deliberately behaviour-level files (README.md, "Layout") are
// listed apart, with the test files that cover them.
//   node scripts/unmirrored-modules.mjs          # the list, and a count per folder
//   node scripts/unmirrored-modules.mjs --check  # exit 1 if a module outside those folders has none
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');

/** Folders tested at the level of behaviour, not module by module (README.md, "Layout"). */
const BEHAVIOUR_LEVEL = ['cli', 'notebook', 'scenario'];

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Whether a TypeScript source declares anything that runs: a function, a class or an arrow function. */
export function hasBehaviour(source) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return /\bfunction\b|\bclass\s+\w|=>/.test(code.replace(/^\s*(export\s+)?(type|interface)\b[\s\S]*?^[}\n]/gm, ''));
}

const modules = files(join(root, 'kernel-lib')).map((path) => relative(join(root, 'kernel-lib'), path)).sort();
const rows = modules.map((m) => {
  const test = join('test', m.replace(/\.ts$/, '.test.ts'));
  return { module: m, test, behaviour: hasBehaviour(readFileSync(join(root, 'kernel-lib', m), 'utf8')), mirrored: existsSync(join(root, test)) };
});

const folderOf = (m) => (m.includes('/') ? m.slice(0, m.lastIndexOf('/')) : '.');
const behaviourLevel = (m) => BEHAVIOUR_LEVEL.some((f) => m === f || m.startsWith(`${f}/`));
const withBehaviour = rows.filter((r) => r.behaviour);
const missing = withBehaviour.filter((r) => !r.mirrored);
const strict = missing.filter((r) => !behaviourLevel(r.module));

console.log(`${withBehaviour.length} modules with behaviour, ${withBehaviour.length - missing.length} with a mirrored test`);
const byFolder = new Map();
for (const r of withBehaviour) {
  const f = folderOf(r.module);
  const e = byFolder.get(f) ?? { total: 0, mirrored: 0 };
  e.total++;
  if (r.mirrored) e.mirrored++;
  byFolder.set(f, e);
}
for (const [f, e] of [...byFolder].sort()) console.log(`  kernel-lib/${f}/: ${e.mirrored} of ${e.total}${behaviourLevel(`${f}/x`) ? ' (behaviour-level tests)' : ''}`);
console.log(`\nNo mirrored test (${strict.length}):`);
for (const r of strict) console.log(`  kernel-lib/${r.module} -> ${r.test}`);
const loose = missing.filter((r) => behaviourLevel(r.module));
console.log(`\nIn folders tested at the level of behaviour (${loose.length}):`);
for (const r of loose) console.log(`  kernel-lib/${r.module}`);
if (process.argv.includes('--check') && strict.length > 0) process.exit(1);
