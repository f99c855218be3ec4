// Where this library lives on disk, found the same way whether the code runs as an ES module
// (tsx under mocha or `bin/dmsim.js`) or as CommonJS compiled by tslab inside a notebook
// kernel. `import.meta.url` is a syntax error in tslab's CommonJS output and `__dirname` does
// not exist in ES modules, so neither can be used; V8's structured call sites name the file of
// the running function in both worlds.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

function fileOfThisFunction(): string {
  const saved = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_error, sites) => sites;
    const sites = new Error().stack as unknown as NodeJS.CallSite[];
    const file = sites[0]?.getFileName();
    if (!file) throw new Error('dmsim: cannot locate kernel-lib/analysis on disk (no call-site file name)');
    return file.startsWith('file:') ? fileURLToPath(file) : file;
  } finally {
    Error.prepareStackTrace = saved;
  }
}

/**
 * Set (as a string literal) only in the prebuilt JavaScript mirror (bin/js-mirror.mjs): the
 * checkout the mirror was built from. Its files live under .cache/js/, but paths, the cache
 * and the model version (the hash of kernel-lib) must be those of the sources.
 */
declare const __DMSIM_PROJECT_DIR__: string | undefined;

/** Absolute path of kernel-lib/analysis. */
export const ANALYSIS_DIR =
  typeof __DMSIM_PROJECT_DIR__ === 'string' ? path.join(__DMSIM_PROJECT_DIR__, 'kernel-lib', 'analysis') : path.dirname(fileOfThisFunction());

/** Absolute path of kernel-lib (the simulator's sources). */
export const KERNEL_LIB_DIR = path.dirname(ANALYSIS_DIR);

/** Absolute path of the project (the folder holding kernel-lib). */
export const PROJECT_DIR = path.dirname(KERNEL_LIB_DIR);
