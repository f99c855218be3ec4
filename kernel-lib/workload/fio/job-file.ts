// fio's job-file dialect (an INI variant), parsed with line numbers so that every later error
// can point at the user's line:
// - `[name]` opens a job; `[global]` sets defaults for the jobs that follow it (a later
//   [global] changes only the jobs after it, as in fio);
// - `key=value`, or a bare `key` for a boolean option (`time_based`, `group_reporting`);
// - `;` and `#` start a comment, at the start of a line or after a value (fio's
//   strip_blank_end() cuts the line at the first of them);
// - blanks around keys and values are ignored.
// Environment substitution ($VAR) and `include` are not supported and are reported as such.
import { InputError } from '../../base/input-error.js';

export interface JobOption {
  key: string;
  /** null for a bare key. */
  value: string | null;
  line: number;
}

export interface JobSection {
  name: string;
  line: number;
  /** Options in file order: the [global] options in force, then the job's own. */
  options: JobOption[];
  /** How many of `options` came from [global] (fio's "job options" are the rest). */
  inherited: number;
}

export interface JobFile {
  source: string;
  jobs: JobSection[];
  /** Every [global] option of the file, in order (fio's "global options"). */
  global: JobOption[];
}

export function parseJobFile(text: string, source = '<job file>', firstLine = 1): JobFile {
  let global: JobOption[] = [];
  const allGlobal: JobOption[] = [];
  let current: JobSection | null = null;
  let inGlobal = false;
  const jobs: JobSection[] = [];
  const names = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = firstLine + i;
    const cut = raw.search(/[;#]/);
    const text = (cut >= 0 ? raw.slice(0, cut) : raw).trim();
    if (text === '') return;
    if (text.startsWith('[')) {
      const m = /^\[([^\]]*)\]$/.exec(text);
      if (m === null || m[1].trim() === '') throw new InputError(`malformed section header '${text}'`, { file: source, line });
      const name = m[1].trim();
      if (name === 'global') {
        inGlobal = true;
        current = null;
        return;
      }
      if (names.has(name)) {
        throw new InputError(`job '${name}' is defined twice (first on line ${names.get(name)})`, { file: source, line });
      }
      names.set(name, line);
      inGlobal = false;
      current = { name, line, options: [...global], inherited: global.length };
      jobs.push(current);
      return;
    }
    if (text.startsWith('include ')) throw new InputError('include is not supported: inline the file', { file: source, line, field: 'include' });
    const eq = text.indexOf('=');
    const key = (eq >= 0 ? text.slice(0, eq) : text).trim();
    const value = eq >= 0 ? text.slice(eq + 1).trim() : null;
    if (!/^[a-z_][a-z0-9_]*$/i.test(key)) throw new InputError(`'${key}' is not an option name`, { file: source, line });
    if (value !== null && value.includes('$')) {
      throw new InputError('environment variables ($VAR) are not supported', { file: source, line, field: key });
    }
    const opt = { key, value, line };
    if (inGlobal) {
      global = [...global, opt];
      allGlobal.push(opt);
    }
    else if (current !== null) current.options.push(opt);
    else throw new InputError(`option '${key}' outside any [section]`, { file: source, line, field: key });
  });
  if (jobs.length === 0) throw new InputError('no jobs defined (only [global] or nothing)', { file: source });
  return { source, jobs, global: allGlobal };
}
