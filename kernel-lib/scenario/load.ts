// Reading a scenario file: YAML (a superset of JSON, so JSON files load the same way) through
// the `yaml` package, keeping the document so that any later error can name the line of the
// key at fault, and the first line of text embedded in it (fio job files, dmsetup tables).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { InputError } from '../base/input-error.js';
import { decodeTextFile } from '../base/text-input.js';

export type KeyPath = readonly (string | number)[];

/** Where things are in the scenario text. */
export class SourceMap {
  constructor(
    readonly file: string,
    private readonly doc: Document | null,
    private readonly lines: LineCounter | null,
  ) {}

  private pairOf(p: KeyPath): { pair: Pair | null; node: Node | null } {
    let node: unknown = this.doc?.contents ?? null;
    let pair: Pair | null = null;
    for (const key of p) {
      if (isMap(node)) {
        const found = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(key));
        if (found === undefined) return { pair, node: null };
        pair = found as Pair;
        node = found.value;
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key];
        pair = null;
      } else return { pair, node: null };
    }
    return { pair, node: (node as Node) ?? null };
  }

  /** Line of the key at `p` (or of the nearest enclosing key that exists). */
  lineOf(p: KeyPath): number | undefined {
    if (this.lines === null) return undefined;
    for (let n = p.length; n > 0; n--) {
      const { pair, node } = this.pairOf(p.slice(0, n));
      const keyNode = pair?.key as Node | undefined;
      const range = n === p.length || node !== null ? (keyNode?.range ?? node?.range) : undefined;
      if (range) return this.lines.linePos(range[0]).line;
    }
    return undefined;
  }

  /** First line of the text of a string value (the line after `|` for block scalars). */
  textLineOf(p: KeyPath): number | undefined {
    const { node } = this.pairOf(p);
    if (this.lines === null || node === null || !isScalar(node) || !node.range) return undefined;
    const line = this.lines.linePos(node.range[0]).line;
    return node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED' ? line + 1 : line;
  }

  /** An InputError located at a key path: "file:line: a.b.c: reason". */
  error(p: KeyPath, reason: string): InputError {
    return new InputError(reason, { file: this.file, line: this.lineOf(p), field: p.length ? p.join('.') : undefined });
  }
}

export interface LoadedScenario {
  data: unknown;
  source: SourceMap;
  /** Folder relative paths in the scenario (fio files, traces) are resolved against. */
  dir: string;
}

/** Alias expansions a scenario may make (yaml's own default is also 100). */
const MAX_ALIAS_COUNT = 100;

export function parseScenarioText(text: string, file: string, dir = process.cwd()): LoadedScenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = lines.linePos(e.pos[0]).line;
    if (e.code === 'MULTIPLE_DOCS') {
      const n = parseAllDocuments(text).length;
      throw new InputError(`the file holds ${n} YAML documents (separated by ---); a scenario is one document`, { file, line });
    }
    if (e.code === 'DUPLICATE_KEY') {
      const key = text.slice(e.pos[0]).split(/[:\n]/)[0].trim();
      throw new InputError(`the key ${JSON.stringify(key)} appears twice in the same mapping`, { file, line });
    }
    throw new InputError(e.message.split('\n')[0].replace(/ at line \d+, column \d+.*$/, ''), { file, line });
  }
  let data: unknown;
  try {
    // An alias bomb ("billion laughs": aliases of aliases of lists) would expand to billions
    // of nodes; the yaml package counts expansions and stops.
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      throw new InputError(`too many YAML aliases (more than ${MAX_ALIAS_COUNT} expansions): an alias bomb? A scenario needs few aliases`, { file });
    }
    throw err;
  }
  return { data, source: new SourceMap(file, doc, lines), dir };
}


export function loadScenarioFile(file: string): LoadedScenario {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EISDIR' ? 'EISDIR (a directory, not a scenario file)' : code === 'ENOENT' ? 'ENOENT (no such file)' : (code ?? (err as Error).message);
    throw new InputError(`cannot read scenario: ${why}`, { file });
  }
  return parseScenarioText(decodeTextFile(bytes, file, 'a YAML or JSON scenario'), file, path.dirname(path.resolve(file)));
}

/** A scenario given as an object (from a notebook): no lines to point at. */
export function scenarioFromObject(data: unknown, label = '<scenario>'): LoadedScenario {
  return { data: structuredClone(data), source: new SourceMap(label, null, null), dir: process.cwd() };
}
