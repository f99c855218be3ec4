// dmsetup table text: one target per line, `<start> <length> <target> <args...>`, sizes in
// 512-byte sectors. Like `dmsetup create`, blank lines and lines starting with '#' are
// skipped. Like the kernel's dm_table_add_target(), the targets must tile the device: the
// first starts at sector 0 and each next one starts where the previous one ended ("gap in
// table"), and a target cannot be empty. A line as `dmsetup table` prints it for all devices,
// `name: 0 2097152 linear 8:16 2048`, is taken as written: the `name:` prefix is dropped once
// it is checked to name the device being built.
import { InputError } from '../base/input-error.js';

export interface TableLine {
  /** First sector of the mapped device this target covers. */
  start: number;
  /** Length in sectors (> 0). */
  length: number;
  /** Target type, e.g. "linear", "snapshot-origin". */
  target: string;
  /** The target's constructor arguments, as whitespace-separated words. */
  args: string[];
  /** 1-based line in the table text. */
  line: number;
}

export interface ParseTableOptions {
  /** File or label named in error messages. */
  source?: string;
  /** Line of the table's first line in that file (for tables embedded in a scenario). */
  firstLine?: number;
  /** Name of the device the table is for: a `name:` prefix must match it. */
  deviceName?: string;
}

/** Parses a sector count: a non-negative decimal integer, as dmsetup takes it. */
export function parseSectors(word: string, what: string, where: { file?: string; line?: number }): number {
  if (!/^\d+$/.test(word)) {
    throw new InputError(`${what} must be a whole number of 512-byte sectors, got '${word}'`, { ...where, field: what });
  }
  const n = Number(word);
  if (!Number.isSafeInteger(n)) throw new InputError(`${what} ${word} is too large`, { ...where, field: what });
  return n;
}

export function parseTable(text: string, options: ParseTableOptions = {}): TableLine[] {
  const file = options.source;
  const base = (options.firstLine ?? 1) - 1;
  const lines: TableLine[] = [];
  let nextStart = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const words = raw.trim().split(/\s+/).filter((w) => w !== '');
    if (words.length === 0 || words[0].startsWith('#')) return;
    const line = base + i + 1;
    const where = { file, line };
    if (words[0].endsWith(':')) {
      // `dmsetup table` without a device name prefixes each line with `<name>:`.
      const named = words.shift()!.slice(0, -1);
      if (options.deviceName !== undefined && named !== options.deviceName) {
        throw new InputError(
          `this line is dmsetup's table of device '${named}', but the device being built is '${options.deviceName}' (paste only its lines, or drop the '${named}:' prefix)`,
          { ...where, field: 'name' },
        );
      }
    }
    if (words.length < 3) {
      const missing = ['start', 'length', 'target'][words.length];
      throw new InputError(`expected '<start> <length> <target> <args...>', missing ${missing}`, { ...where, field: missing });
    }
    const start = parseSectors(words[0], 'start', where);
    const length = parseSectors(words[1], 'length', where);
    if (length === 0) throw new InputError('a target cannot have zero length', { ...where, field: 'length' });
    if (start !== nextStart) {
      const why = lines.length === 0 ? 'the first target must start at sector 0' : `gap or overlap in table: the previous target ends at sector ${nextStart}`;
      throw new InputError(`${why}, this one starts at ${start}`, { ...where, field: 'start' });
    }
    if (!/^[a-z0-9][a-z0-9_.-]*$/i.test(words[2])) {
      throw new InputError(`'${words[2]}' is not a target type name`, { ...where, field: 'target' });
    }
    lines.push({ start, length, target: words[2], args: words.slice(3), line });
    nextStart = start + length;
  });
  if (lines.length === 0) throw new InputError('the table has no target lines', { file, line: options.firstLine });
  return lines;
}

/** The table's total size in sectors. */
export function tableSize(lines: readonly TableLine[]): number {
  const last = lines[lines.length - 1];
  return last.start + last.length;
}

/** Renders lines back to dmsetup's text form (`dmsetup table` output). */
export function formatTable(lines: readonly TableLine[]): string {
  return lines.map((l) => [l.start, l.length, l.target, ...l.args].join(' ')).join('\n');
}
