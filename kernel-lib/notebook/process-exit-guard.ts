// While a notebook runs, a cell must not be able to end the process: `process.exit()` in a
// cell (or in a timer it left behind) once ended `make report` with status 0, with the rest of
// the notebooks never run and nothing said. While guarded, process.exit throws a ProcessExit
// error instead, which the cell (or the late-error handler) reports as the cell's failure.
// Guards nest (the runner guards the whole run, the executor each cell).

export class ProcessExit extends Error {
  constructor(readonly code: unknown) {
    super(`process.exit(${code === undefined ? '' : String(code)}) was called: a notebook cell may not end the process`);
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
