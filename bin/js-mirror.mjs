// A prebuilt JavaScript copy of the project's TypeScript ("the mirror"), so a process can run
// without the TypeScript loader. Node 20 runs module hooks (bin/register-ts.mjs) in a thread of
// its own, a second Node environment that also starts esbuild's service and transforms every
// module: about 0.3 CPU s per process, as much as the rest of a short sweep shard's start-up.
//
// The mirror is every .ts/.js file of kernel-lib, transpiled one file each (no bundling:
// module identities, file layout and relative imports stay as in the sources) into
// .cache/js/KEY/kernel-lib/, where KEY hashes every one of those sources (path and content),
// the build options, esbuild's version and the project's own path. A process computes KEY
// from the sources each time it starts, so a mirror of other sources is never used: an
// edited, added or removed file is another KEY, and a new mirror is built (on first use, or by
// `make setup`). Built in a private folder and renamed into place, so a concurrent shard sees
// none or all. Only kernel-lib, so editing a test or a notebook costs no new mirror; a sweep
// runner elsewhere in the project (a test's fixture, a study's own module) is bundled into
// the mirror when first run, checked against the hashes of the files it bundles (mirrorRunner).
//
// Used by `dmsim sweep` (bin/dmsim.js), whose shards are the short processes that pay most
// for start-up. kernel-lib/analysis/module-location.ts is told where the sources are
// (__DMSIM_PROJECT_DIR__), so paths, the cache and the model version (the hash of the real
// kernel-lib) are those of the checkout, never of the mirror.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folders transpiled. */
export const MIRRORED = ['kernel-lib'];
/**
 * When a new mirror is built, older ones are removed once unused this long (a process still
 * running from one may import more of it), keeping the newest few.
 */
const KEEP_UNUSED_MS = 3600 * 1000;
const KEEP_NEWEST = 3;

/** The global through which a process started from a mirror finds its runners there: { runner(modulePath) }. */
export const MIRROR_GLOBAL = Symbol.for('dmsim.jsMirror');

/** The checkout this file belongs to. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** esbuild's options for every file; part of the key. */
function buildOptions(root) {
  return {
    format: 'esm',
    platform: 'node',
    // A fixed target, not this Node's version: login and compute nodes share one mirror.
    target: 'node20',
    // Same as bin/ts-hooks.mjs: no keepNames (docs/engine.md, "Runners").
    sourcemap: 'linked',
    sourcesContent: false,
    define: { __DMSIM_PROJECT_DIR__: JSON.stringify(root) },
    logLevel: 'silent',
  };
}

/** Source files to transpile, relative to root, sorted (the key must not depend on readdir order). */
function sourceFiles(root) {
  const out = [];
  const walk = (rel) => {
    let entries;
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch (e) {
      if (e.code === 'ENOENT') return;
      throw e;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && /\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(child);
    }
  };
  for (const dir of MIRRORED) walk(dir);
  return out.sort();
}

/** The mirror's key: every source file (path and content), the options, esbuild's version, the project path. */
export function mirrorKey(root = ROOT) {
  const files = sourceFiles(root);
  const hash = createHash('sha256');
  hash.update(`esbuild ${require('esbuild/package.json').version}\0${JSON.stringify(buildOptions(root))}\0`);
  for (const file of files) hash.update(`${file}\0`).update(fs.readFileSync(path.join(root, file))).update('\0');
  return { key: hash.digest('hex').slice(0, 20), files };
}

/** Where the mirror of these sources lives (it may not exist yet). */
export function mirrorDir(root, key) {
  return path.join(root, '.cache', 'js', key);
}

/**
 * The mirror of the current sources, built if missing; null if it cannot be built (esbuild
 * missing for this platform, a read-only checkout): the caller then runs the sources
 * through the TypeScript loader, which is slower but the same program.
 */
export function ensureMirror(root = ROOT) {
  let key, files;
  try {
    ({ key, files } = mirrorKey(root));
  } catch {
    return null;
  }
  const dir = mirrorDir(root, key);
  if (fs.existsSync(dir)) {
    touch(dir);
    return dir;
  }
  try {
    buildMirror(root, key, files);
    return dir;
  } catch (e) {
    if (process.env.DMSIM_DEBUG_MIRROR) console.error(`dmsim: no JavaScript mirror (${e.message}); running the TypeScript sources`);
    return null;
  }
}

function buildMirror(root, key, files) {
  const parent = path.join(root, '.cache', 'js');
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.build-${key}-`));
  try {
    const { buildSync } = require('esbuild');
    buildSync({
      ...buildOptions(root),
      entryPoints: files.filter((f) => f.endsWith('.ts')).map((f) => path.join(root, f)),
      outdir: tmp,
      outbase: root,
      bundle: false,
    });
    // Plain JavaScript (worker entries, fixtures) is copied as it is.
    for (const file of files.filter((f) => !f.endsWith('.ts'))) {
      fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
      fs.copyFileSync(path.join(root, file), path.join(tmp, file));
    }
    fs.writeFileSync(path.join(tmp, 'mirror.json'), `${JSON.stringify({ key, source: root, files: files.length, built: new Date().toISOString() })}\n`);
    try {
      fs.renameSync(tmp, mirrorDir(root, key));
    } catch (e) {
      // Another process built the same mirror first: theirs is as good.
      if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  removeOldMirrors(parent, key);
}

/** A mirror's folder's mtime is when a process last started from it. */
function touch(dir) {
  try {
    const now = new Date();
    fs.utimesSync(dir, now, now);
  } catch {
    // A read-only checkout: the mirror may then be removed early, and is rebuilt if needed.
  }
}

/** Removes mirrors of other sources beyond the newest few and unused for a while (and failed builds). */
function removeOldMirrors(parent, keep) {
  const now = Date.now();
  const others = [];
  for (const name of fs.readdirSync(parent)) {
    if (name === keep) continue;
    try {
      others.push({ dir: path.join(parent, name), mtime: fs.statSync(path.join(parent, name)).mtimeMs });
    } catch {
      // Gone already.
    }
  }
  others.sort((a, b) => b.mtime - a.mtime);
  for (const [i, { dir, mtime }] of others.entries()) {
    if (i >= KEEP_NEWEST - 1 && now - mtime > KEEP_UNUSED_MS) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A sweep runner outside kernel-lib (a test's fixture, a study's own module) in the mirror:
 * bundled with what it imports from outside kernel-lib, its imports of kernel-lib left to the
 * mirror's files, at the same place relative to the mirror as the source to the project, with
 * beside it the hash of each file bundled. Used while those hashes hold, rebuilt when not;
 * null for a module outside the project (it then runs from its source through the loader).
 */
export function mirrorRunner(root, dir, modulePath) {
  const rel = path.relative(root, modulePath);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const out = path.join(dir, rel.replace(/\.[cm]?[jt]s$/, '.js'));
  const kernelLib = path.join(root, 'kernel-lib') + path.sep;
  if (modulePath.startsWith(kernelLib)) return fs.existsSync(out) ? out : null;
  const inputsFile = `${out}.inputs.json`;
  const digest = (file) => createHash('sha256').update(fs.readFileSync(path.join(root, file))).digest('hex');
  try {
    const inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf8'));
    if (inputs.every(({ file, sha256 }) => digest(file) === sha256) && fs.existsSync(out)) return out;
  } catch {
    // No bundle yet, or one of its files changed or is gone: build it.
  }
  const { buildSync } = require('esbuild');
  const result = buildSync({
    ...buildOptions(root),
    sourcemap: false,
    entryPoints: [modulePath],
    bundle: true,
    // Written as if beside the source, so esbuild's relative paths to kernel-lib land in the mirror's copy.
    outfile: path.join(root, rel.replace(/\.[cm]?[jt]s$/, '.js')),
    write: false,
    packages: 'external',
    external: [`${kernelLib}*`],
    metafile: true,
    absWorkingDir: root,
  });
  const inputs = Object.keys(result.metafile.inputs).map((file) => ({ file, sha256: digest(file) }));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, result.outputFiles[0].contents);
  fs.renameSync(tmp, out);
  // The hashes last: a bundle whose hashes are missing or old is rebuilt, never trusted.
  fs.writeFileSync(`${inputsFile}.${process.pid}.tmp`, `${JSON.stringify(inputs)}\n`);
  fs.renameSync(`${inputsFile}.${process.pid}.tmp`, inputsFile);
  return out;
}

// `node bin/js-mirror.mjs` (make setup): builds the mirror of the current sources.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = ensureMirror(ROOT);
  if (dir === null) {
    console.error('dmsim: could not build the JavaScript mirror (see DMSIM_DEBUG_MIRROR=1)');
    process.exitCode = 1;
  } else {
    console.log(path.relative(ROOT, dir));
  }
}
