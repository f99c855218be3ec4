// The model version a cached sweep result belongs to: a hash of every source file a run can
// depend on. Editing any model file (or the runner itself) changes it, so stale results are
// never reused and nobody has to remember to clear the cache.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sourceFiles } from '../base/source-files.js';
import { KERNEL_LIB_DIR } from './module-location.js';

/** kernel-lib folders no run depends on: they consume results, they do not produce them. */
const NOT_MODEL = new Set(['analysis', 'notebook', 'cli']);

let libraryHash: string | undefined;
const runnerHashes = new Map<string, string>();

/** Hash of kernel-lib (minus analysis, notebook, cli) and of the runner module's source. */
export function modelVersion(runnerModule: string): string {
  libraryHash ??= hashLibrary();
  let runnerHash = runnerHashes.get(runnerModule);
  if (runnerHash === undefined) {
    runnerHash = createHash('sha256').update(fs.readFileSync(runnerModule)).digest('hex');
    runnerHashes.set(runnerModule, runnerHash);
  }
  return createHash('sha256').update(`${libraryHash}\n${runnerHash}`).digest('hex').slice(0, 16);
}

function hashLibrary(): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles(KERNEL_LIB_DIR, { skipTopLevel: NOT_MODEL }) as string[]) {
    // The relative path is part of the hash: renaming or moving a file is a change too.
    hash.update(`${file}\0`).update(fs.readFileSync(path.join(KERNEL_LIB_DIR, file))).update('\0');
  }
  return hash.digest('hex');
}
