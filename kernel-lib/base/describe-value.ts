// How a value the user gave is shown in a message. JSON.stringify alone would say `null` for
// NaN and the infinities (YAML's .nan and .inf, or 1e400, which overflows to infinity), and
// would print a zero-width space or a right-to-left mark in a key as nothing at all; a
// message must show what was actually given.

/** Characters that print as nothing or move the text: controls, format characters (U+200B, U+200E, U+FEFF...), odd spaces. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/gu;

/** `s` with every invisible character written as \uXXXX. */
export function visible(s: string): string {
  return s.replace(INVISIBLE, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** A value as it would have been written: numbers as numbers, .nan/.inf by name, strings quoted and visible. */
export function describeValue(v: unknown): string {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan (not a number)';
    if (v === Infinity) return '.inf (infinite: .inf, or a number too large for a double such as 1e400)';
    if (v === -Infinity) return '-.inf (infinite)';
    return String(v);
  }
  if (typeof v === 'string') return visible(JSON.stringify(v));
  if (v === undefined || typeof v === 'bigint' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}
