// Output destinations of the command line (`--output`, `--trace`): checked before any work
// is done, so a typo in a directory costs nothing, and written through a temporary file and a
// rename, so a reader never sees half a file. Every message names the path the user gave,
// never the temporary file, and a failed write leaves no temporary file behind.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A destination that cannot be written; the message starts with the option and the path. */
export class OutputError extends Error {}

/**
 * Checks that `file` can be created or replaced: its directory exists, is a directory and is
 * writable, and `file` itself is not a directory. `option` names it in messages (`--output`).
 */
export function checkOutputPath(file: string, option: string): void {
  const where = `${option} ${file}`;
  if (file === '') throw new OutputError(`${option}: an empty path`);
  const dir = path.dirname(path.resolve(file));
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new OutputError(`${where}: ${nearestFile(dir)} is not a directory`);
    if (code === 'ENOENT') throw new OutputError(`${where}: the directory ${path.dirname(file)} does not exist`);
    throw new OutputError(`${where}: cannot use the directory ${path.dirname(file)} (${code ?? (err as Error).message})`);
  }
  if (!st.isDirectory()) throw new OutputError(`${where}: ${path.dirname(file)} is not a directory`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new OutputError(`${where}: the directory ${path.dirname(file)} is not writable`);
  }
  const target = fs.statSync(file, { throwIfNoEntry: false });
  if (target?.isDirectory()) throw new OutputError(`${where}: is a directory`);
}

/** The first component of `dir` that exists and is not a directory (for ENOTDIR messages). */
function nearestFile(dir: string): string {
  let p = dir;
  while (path.dirname(p) !== p) {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (st !== undefined && !st.isDirectory()) return path.relative(process.cwd(), p) || p;
    p = path.dirname(p);
  }
  return dir;
}

/** Writes via a temporary file and a rename; on failure removes the temporary file. */
export function writeAtomically(file: string, text: string, option = 'output'): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new OutputError(`${option} ${file}: cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
