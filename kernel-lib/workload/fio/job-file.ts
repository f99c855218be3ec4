// fio's job-file dialect (an INI variant), parsed with line numbers so that every later error
// can point at the user's line:
// - `[name]` opens a job; `[global]` sets defaults for the jobs that follow it (a later
//   [global] changes only the jobs after it, as in fio);
// - `key=value`, or a bare `key` for a boolean option (`time_based`, `group_reporting`);
// - `;` and `#` start a comment, at the start of a line or after a value (fio's
//   strip_blank_end() cuts the line at the first of them);
// - blanks around keys and values are ignored.
// - `${VAR}` in a value is the environment variable VAR (empty when unset), and fio's
//   keywords $pagesize, $mb_memory and $ncpus are the simulated machine's; a value in which a
//   keyword was replaced is evaluated as arithmetic (fio's bc_calc), and so is a value in
//   parentheses (fio's evaluate_arithmetic), suffix after the parenthesis kept (`(2*4)k`).
//   $jobnum, $jobname and $filenum are file-name expansions, left for the job (job.ts).
// `include` is not supported and is reported as such.
import { InputError } from '../../base/input-error.js';
import { evaluateArithmetic } from './arithmetic.js';

/** What $keywords and ${VAR} stand for (fio: the running machine and the environment). */
export interface JobFileVariables {
  env: Readonly<Record<string, string | undefined>>;
  pagesize: number;
  ncpus: number;
  mbMemory: number;
}

export const DEFAULT_VARIABLES: JobFileVariables = { env: {}, pagesize: 4096, ncpus: 1, mbMemory: 1024 };

export interface JobOption {
  key: string;
  /** null for a bare key. */
  value: string | null;
  line: number;
  /** The value was an arithmetic expression (time options count it in microseconds, as fio does). */
  expr?: boolean;
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

export function parseJobFile(text: string, source = '<job file>', firstLine = 1, vars: JobFileVariables = DEFAULT_VARIABLES, defaults: JobOption[] = []): JobFile {
  let global: JobOption[] = [...defaults];
  const allGlobal: JobOption[] = [];
  let current: JobSection | null = null;
  let inGlobal = false;
  const jobs: JobSection[] = [];
  const names = new Map<string, number>();
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = firstLine + i;
    const cut = rawLine.search(/[;#]/);
    const text = (cut >= 0 ? rawLine.slice(0, cut) : rawLine).trim();
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
    const raw = eq >= 0 ? text.slice(eq + 1).trim() : null;
    if (!/^[a-z_][a-z0-9_-]*$/i.test(key)) throw new InputError(`'${key}' is not an option name`, { file: source, line });
    const { value, expr } = raw === null ? { value: null, expr: false } : substitute(raw, vars, (why) => {
      throw new InputError(why, { file: source, line, field: key });
    });
    const opt: JobOption = expr ? { key, value, line, expr } : { key, value, line };
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

const KEYWORDS = ['$pagesize', '$mb_memory', '$ncpus'] as const;

/** ${VAR}, then the keywords (fio's fio_option_dup_subs, then fio_keyword_replace), then arithmetic. */
function substitute(raw: string, vars: JobFileVariables, fail: (why: string) => never): { value: string; expr: boolean } {
  let value = raw.replace(/\$\{([^}]*)\}/g, (_m, name: string) => vars.env[name] ?? '');
  let keyword = false;
  for (const k of KEYWORDS) {
    if (!value.includes(k)) continue;
    keyword = true;
    const n = k === '$pagesize' ? vars.pagesize : k === '$ncpus' ? vars.ncpus : vars.mbMemory;
    value = value.split(k).join(String(n));
  }
  const unknown = /\$(?!jobnum|jobname|filenum|clientuid)[a-z_]+/i.exec(value);
  if (unknown !== null) fail(`'${unknown[0]}' is not one of fio's keywords ($pagesize, $mb_memory, $ncpus; \${VAR} for the environment)`);
  if (keyword && /[-+*/%^]/.test(value)) {
    const n = evaluateArithmetic(value);
    if (n === null) fail(`'${raw}' (${value}) is not an arithmetic expression`);
    return { value: String(n), expr: false };
  }
  const m = /^\((.*)\)\s*([a-z]*)$/i.exec(value);
  if (m !== null) {
    const n = evaluateArithmetic(m[1]);
    if (n === null) fail(`'${raw}' is not an arithmetic expression (+ - * / % ^ and parentheses)`);
    return { value: `${n}${m[2]}`, expr: m[2] === '' };
  }
  return { value, expr: false };
}
