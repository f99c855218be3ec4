// Keys that are not data in JavaScript: `__proto__` reaches an object's prototype, and
// `constructor` and `prototype` name the machinery of every object, so a scenario key, a
// device name or a `--set` path spelt so would write (or silently drop, or find) a prototype
// property instead of a value. They are refused wherever a key comes from the user, with the
// path where they appear.
import type { KeyPath } from './load.js';

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

export const UNSAFE_KEY_REASON = (key: string) => `'${key}' cannot be used as a key or name (it would reach JavaScript's object prototype)`;

/** The first unsafe segment of a dotted key such as `block.__proto__.x`, or undefined. */
export function unsafeSegment(key: string): string | undefined {
  return key.split('.').find((part) => UNSAFE.has(part));
}

/**
 * The path of the first unsafe key anywhere in parsed data (keys of mappings, and segments of
 * dotted keys), or null. Own properties only: `__proto__` from YAML or JSON.parse is an own
 * property, which Object.keys lists.
 */
export function findUnsafeKey(data: unknown, at: KeyPath = []): { path: KeyPath; key: string } | null {
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      const found = findUnsafeKey(data[i], [...at, i]);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  for (const key of Object.keys(data)) {
    const bad = unsafeSegment(key);
    if (bad !== undefined) return { path: [...at, key], key: bad };
    const found = findUnsafeKey((data as Record<string, unknown>)[key], [...at, key]);
    if (found !== null) return found;
  }
  return null;
}
