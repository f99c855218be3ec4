// Scenario variables: `vars:` (name -> a number, string or boolean) referenced as `${name}` in
// target tables and in the workload's text (fio job file, dd operands), so that one scenario
// file can be re-run with `--set vars.region=16` instead of editing its tables. A reference to
// a variable that is not defined is an error naming where it is. Values are one line each, so
// the lines of a table or job file keep their numbers in messages.
import { InputError } from '../base/input-error.js';

export type Vars = Readonly<Record<string, string>>;

const REF = /\$\{([^}]*)\}/g;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks one `vars` entry; returns its text, or a reason it cannot be a variable. */
export function varValue(name: string, value: unknown): { text: string } | { error: string } {
  if (!VAR_NAME.test(name)) return { error: `'${name}' is not a variable name (letters, digits, _; not starting with a digit)` };
  if (typeof value === 'number' && Number.isFinite(value)) return { text: String(value) };
  if (typeof value === 'boolean') return { text: String(value) };
  if (typeof value === 'string' && !/[\n\r]/.test(value)) return { text: value };
  return { error: 'must be a number, a boolean or a one-line string' };
}

/**
 * `${name}` -> its value, everywhere in `text`. `where` locates an error: `line` is the line
 * the text starts on, so the error names the line of the reference itself.
 */
export function expandVars(text: string, vars: Vars, where: { file?: string; line?: number; field?: string }): string {
  if (!text.includes('${')) return text;
  return text.replace(REF, (_m, name: string, offset: number) => {
    const v = vars[name];
    if (v === undefined || !Object.hasOwn(vars, name)) {
      const known = Object.keys(vars);
      const line = where.line === undefined ? undefined : where.line + text.slice(0, offset).split('\n').length - 1;
      throw new InputError(`unknown variable \${${name}} (defined in vars: ${known.length ? known.join(', ') : 'none'})`, { ...where, line });
    }
    return v;
  });
}
