// fio's number syntax (parse.c): sizes and times with suffixes.
// Sizes: k/m/g/t/p with an optional trailing b, case-insensitive, are powers of 1024; with
// fio's default kb_base=1024 the IEC spellings kib/mib/gib... are, backwards but as fio does
// it for old scripts' sake, powers of 1000. Times: us/usec, ms/msec, s/sec, m/min, h, d.

const SIZE_SUFFIX = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?)(b?)$/i;
const POW: Record<string, number> = { '': 0, k: 1, m: 2, g: 3, t: 4, p: 5 };

/** Bytes from fio size text ("4k", "1m", "256KiB", "4096"); NaN if not a size. */
export function parseSize(text: string): number {
  const m = SIZE_SUFFIX.exec(text.trim());
  if (m === null) return NaN;
  const exp = POW[m[2].toLowerCase()];
  const base = m[3] !== '' ? 1000 : 1024;
  if (m[3] !== '' && exp === 0) return NaN; // "ib" alone
  return Math.round(Number(m[1]) * base ** exp);
}

const TIME_SUFFIX = /^(\d+(?:\.\d+)?)\s*(us|usec|ms|msec|s|sec|m|min|h|d)?$/i;
const TIME_NS: Record<string, number> = {
  us: 1e3, usec: 1e3, ms: 1e6, msec: 1e6, s: 1e9, sec: 1e9, m: 60e9, min: 60e9, h: 3600e9, d: 86400e9,
};

/** Nanoseconds from fio time text; a bare number is in `defaultUnitNs` (seconds for runtime). */
export function parseTime(text: string, defaultUnitNs: number): number {
  const m = TIME_SUFFIX.exec(text.trim());
  if (m === null) return NaN;
  const unit = m[2] === undefined ? defaultUnitNs : TIME_NS[m[2].toLowerCase()];
  return Number(m[1]) * unit;
}
