// The error for bad user input: a malformed dmsetup table, fio job file, dd operand, trace or
// scenario. It carries where the mistake is (file, line, field) so the command line can print
// one readable line and exit non-zero instead of a stack trace. It lives in base/, the lowest
// layer, so every layer that parses user input throws the same kind.
import { visible } from './describe-value.js';

export interface InputLocation {
  /** File name (or a label such as "targets.snap" for text embedded in a scenario). */
  file?: string;
  /** 1-based line number in that file. */
  line?: number;
  /** The option, field or key at fault. */
  field?: string;
}

export class InputError extends Error {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;
  /** The message without the location prefix. */
  readonly reason: string;

  constructor(reason: string, where: InputLocation = {}) {
    super(formatLocation(where) + reason);
    this.name = 'InputError';
    this.reason = reason;
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
  }

  /** The same error seen from an enclosing file (e.g. a table embedded in a scenario). */
  relocate(where: InputLocation): InputError {
    return new InputError(this.reason, {
      file: where.file ?? this.file,
      line: where.line !== undefined && this.line !== undefined ? where.line + this.line - 1 : (where.line ?? this.line),
      field: this.field ?? where.field,
    });
  }
}

/** "file:line: field: " with the missing parts left out. */
export function formatLocation(where: InputLocation): string {
  let out = '';
  if (where.file !== undefined) out += where.file;
  if (where.line !== undefined) out += `${out ? ':' : 'line '}${where.line}`;
  if (out) out += ': ';
  // A key with a zero-width space in it must not look like the key without.
  if (where.field !== undefined) out += `${visible(where.field)}: `;
  return out;
}

export function isInputError(err: unknown): err is InputError {
  return err instanceof InputError;
}
