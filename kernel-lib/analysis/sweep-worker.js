// Runs one sweep point: loads the runner module (TypeScript is fine) and calls its export.
// It is the entry of every piscina worker thread, and the sweep also imports it in process
// when it runs with one worker, so both paths load runners the same way.
//
// Plain JavaScript on purpose: a worker thread starts without the parent's loaders (tsx may
// have been registered programmatically by bin/dmsim.js, or not at all in a notebook kernel),
// so this file must load with bare Node and then register tsx itself. tsx is registered under
// a private namespace: it only affects the runners imported here, never the host's own loader.
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

let tsx = null;
const runners = new Map();

async function loadRunner(modulePath, exportName) {
  const key = `${modulePath}#${exportName}`;
  let fn = runners.get(key);
  if (fn) return fn;
  tsx ??= register({ namespace: 'dmsim-sweep' });
  const mod = await tsx.import(pathToFileURL(modulePath).href, import.meta.url);
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

/** task: { module: absolute path, exportName, params, seed } -> the runner's metrics. */
export default async function runPoint(task) {
  const fn = await loadRunner(task.module, task.exportName);
  return await fn(task.params, task.seed);
}
