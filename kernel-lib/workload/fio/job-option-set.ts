// `--set workload.fio.<section>.<option>=value`: a job file with one option of one section
// ([global] or a job) set, so any fio option can be swept like any other parameter. The
// option is written into the job file's text, where fio's own parser and option checks read
// it: an override is checked exactly as the same line in the file would be. An option the
// section already has is replaced on its own line; a new one goes after the section's last
// line (only the lines of later sections move down by one).
import { InputError } from '../../base/input-error.js';

const OPTION_NAME = /^[a-z_][a-z0-9_]*$/i;

export function setJobOption(text: string, section: string, key: string, value: unknown, field: string): string {
  const where = { file: '--set', field };
  if (!OPTION_NAME.test(key)) throw new InputError(`'${key}' is not a fio option name`, where);
  const shown = value === null || value === undefined || value === true ? null : String(value);
  if (shown !== null && /[\n;#[\]]/.test(shown)) throw new InputError(`a fio option value cannot hold a newline, ';', '#' or brackets: ${JSON.stringify(shown)}`, where);
  const lines = text.split('\n');
  const header = (line: string) => /^\s*\[([^\]]*)\]\s*$/.exec(line.replace(/[;#].*$/, ''))?.[1]?.trim();
  const start = lines.findIndex((line) => header(line) === section);
  const setting = shown === null ? key : `${key}=${shown}`;
  if (start < 0) {
    if (section !== 'global') {
      const jobs = lines.map(header).filter((n): n is string => n !== undefined && n !== 'global');
      throw new InputError(`the job file has no job [${section}] (its jobs: ${jobs.join(', ') || 'none'})`, where);
    }
    // No [global] yet: one at the end applies to no job, so it goes first.
    return [`[global]`, setting, ...lines].join('\n');
  }
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    if (header(lines[i]!) !== undefined) {
      end = i;
      break;
    }
  }
  for (let i = start + 1; i < end; i++) {
    const m = /^\s*([a-z_][a-z0-9_]*)\s*(=|$|[;#])/i.exec(lines[i]!);
    if (m && m[1]!.toLowerCase() === key.toLowerCase()) {
      lines[i] = setting;
      return lines.join('\n');
    }
  }
  let last = end;
  while (last > start + 1 && lines[last - 1]!.trim() === '') last--;
  lines.splice(last, 0, setting);
  return lines.join('\n');
}
