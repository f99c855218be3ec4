// Runs one sweep point: loads the runner module (TypeScript is fine) and calls its export.
// It is the entry of every piscina worker thread, and the sweep also imports it in process
// when it runs with one worker, so both paths load runners the same way.
//
// Plain JavaScript on purpose: a worker thread starts without the parent's loaders (they may
// have been registered programmatically by bin/dmsim.js, or not at all in a notebook kernel),
// so this file must load with bare Node and then register dmsim's TypeScript hooks itself
// (bin/ts-hooks.mjs; not tsx, whose keepNames makes the engine's hot classes ten times
// slower to construct). Registering them where they already are is harmless: the first hook
// in the chain answers for .ts files.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

let registered = false;
const runners = new Map();

async function loadRunner(modulePath, exportName) {
  const key = `${modulePath}#${exportName}`;
  let fn = runners.get(key);
  if (fn) return fn;
  const mod = await import(pathToFileURL(runnable(modulePath)).href);
  fn = mod[exportName];
  if (typeof fn !== 'function') {
    const names = Object.keys(mod).filter((name) => typeof mod[name] === 'function');
    throw new Error(
      `runner module ${modulePath} has no function export '${exportName}'` +
        ` (its function exports: ${names.join(', ') || 'none'})`,
    );
  }
  runners.set(key, fn);
  return fn;
}

/**
 * The file to import for a runner module: its copy in the prebuilt JavaScript mirror when this
 * process was started from one (bin/dmsim.js sets the global; bin/js-mirror.mjs checks the
 * copy against the hashes of the sources it was made from), else the source itself through
 * the TypeScript hooks (a runner outside the project, or one the mirror could not take).
 */
function runnable(modulePath) {
  const mirror = globalThis[Symbol.for('dmsim.jsMirror')];
  if (mirror !== undefined) {
    try {
      const copy = mirror.runner(modulePath);
      if (copy) return copy;
    } catch {
      // Not bundled (a syntax error, say): the loader's own error, from the source, is clearer.
    }
  }
  if (!registered) {
    register('../../bin/ts-hooks.mjs', import.meta.url);
    registered = true;
  }
  return modulePath;
}

/** task: { module: absolute path, exportName, params, seed } -> the runner's metrics. */
export default async function runPoint(task) {
  const fn = await loadRunner(task.module, task.exportName);
  return await fn(task.params, task.seed);
}
