// The InputError a call throws, for tests that check its message, file, line and field.
import { InputError } from '../../kernel-lib/base/input-error.js';

export function inputErrorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}
