// Errors the engine raises. Each names the process and the offending value, because a model
// with hundreds of processes is undebuggable from "invalid argument".

/** Thrown into a process by `process.interrupt(cause)`. */
export class Interrupt extends Error {
  constructor(override readonly cause: unknown) {
    super(`interrupted${cause === undefined ? '' : `: ${String(cause)}`}`);
    this.name = 'Interrupt';
  }
}

/** Misuse of the engine: a negative delay, a lock released twice, a non-event yielded... */
export class SimulationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulationError';
  }
}

/** Renders a value for an error message without dumping whole objects. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  const ctor = (value as object).constructor;
  return ctor && ctor.name ? `a ${ctor.name}` : 'an object';
}
