#!/usr/bin/env node
// The `dmsim` command. The library is TypeScript, run straight from the checkout through
// bin/register-ts.mjs (esbuild's transform, without tsx's keepNames), so `npx dmsim ...`
// needs no build step. `dmsim sweep`, whose shards are short processes started by the
// hundred on a cluster, runs from the prebuilt JavaScript mirror of the current sources
// instead (bin/js-mirror.mjs, built on first use): no loader thread, no transform per module.
// DMSIM_NO_JS_MIRROR=1 runs the sources through the loader as every other command does.
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
let main;
if (args[0] === 'sweep' && !process.env.DMSIM_NO_JS_MIRROR) {
  const { ensureMirror, mirrorRunner, MIRROR_GLOBAL, ROOT } = await import('./js-mirror.mjs');
  const dir = ensureMirror();
  if (dir !== null) {
    // How kernel-lib/analysis/sweep-worker.js finds a runner module's copy in the mirror.
    globalThis[MIRROR_GLOBAL] = { runner: (modulePath) => mirrorRunner(ROOT, dir, modulePath) };
    ({ main } = await import(pathToFileURL(`${dir}/kernel-lib/cli/main.js`).href));
  }
}
if (main === undefined) {
  await import('./register-ts.mjs');
  ({ main } = await import('../kernel-lib/cli/main.ts'));
}
process.exitCode = await main(args);
