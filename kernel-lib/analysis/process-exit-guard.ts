// Code we run on the user's behalf must not be able to end the process: `process.exit()` in a
// notebook cell (or in a timer it left behind) once ended `make report` with status 0, with
// the rest of the notebooks never run and nothing said, and a sweep runner's exit took the
// whole notebook down. While guarded, process.exit throws a ProcessExit error instead, which
// becomes the failure of the cell or of the sweep point. Guards nest (the notebook runner
// guards the whole run, the executor each cell, the in-process sweep each point).

export class ProcessExit extends Error {
  constructor(readonly code: unknown) {
    super(`process.exit(${code === undefined ? '' : String(code)}) was called: code run by a notebook or a sweep may not end the process`);
    this.name = 'ProcessExit';
  }
}

const realExit = process.exit;
let depth = 0;

function dmsimGuardedExit(code?: unknown): never {
  throw new ProcessExit(code);
}

/** Makes process.exit throw until the returned function is called. */
export function guardProcessExit(): () => void {
  if (depth++ === 0) process.exit = dmsimGuardedExit as typeof process.exit;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--depth === 0) process.exit = realExit;
  };
}
