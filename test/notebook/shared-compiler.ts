// One tslab compiler for all notebook tests: building one costs about a second, and its file
// watchers must be closed for mocha to exit. Without the compile cache, so that the tests of
// conversion (type errors, tslab's jammed timer) always exercise TypeScript itself.
import { CellCompiler } from '../../kernel-lib/notebook/compiler.js';

let compiler: CellCompiler | null = null;

export function sharedCompiler(): CellCompiler {
  compiler ??= new CellCompiler({ cacheDir: null });
  return compiler;
}

// A root-level hook (this module is evaluated once, outside any describe).
after(() => {
  compiler?.close();
  compiler = null;
});
