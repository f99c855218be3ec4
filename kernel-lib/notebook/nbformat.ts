// Jupyter notebook files (nbformat 4): reading with errors that name the file, and writing the
// way Jupyter writes them (one-space indent, sorted keys, multi-line strings as lists of
// lines), to a temporary file renamed into place.
// https://nbformat.readthedocs.io/en/latest/format_description.html
import { randomBytes } from 'node:crypto';
import { accessSync, constants, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isJSONMime, type MimeBundle } from './mime-bundle.js';

export type MultilineString = string | string[];

export interface CellMetadata {
  tags?: string[];
  [key: string]: unknown;
}

export type Output =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: MultilineString }
  | { output_type: 'display_data'; data: MimeBundle; metadata: Record<string, unknown> }
  | { output_type: 'execute_result'; execution_count: number | null; data: MimeBundle; metadata: Record<string, unknown> }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

export interface Cell {
  id?: string;
  cell_type: 'code' | 'markdown' | 'raw';
  source: MultilineString;
  metadata: CellMetadata;
  outputs?: Output[];
  execution_count?: number | null;
  attachments?: unknown;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

export class NotebookFormatError extends Error {
  override name = 'NotebookFormatError';
}

export function joinSource(source: MultilineString): string {
  return Array.isArray(source) ? source.join('') : source;
}

/** "a\nb\n" -> ["a\n", "b\n"]: nbformat's split_lines, applied when writing. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export function hasTag(cell: Cell, tag: string): boolean {
  return Array.isArray(cell.metadata?.tags) && cell.metadata.tags.includes(tag);
}

/** Reads and checks a notebook; errors name the file and, for JSON errors, the line. */
export function readNotebook(file: string): Notebook {
  const text = readFileSync(file, 'utf8');
  let notebook: Notebook;
  try {
    notebook = JSON.parse(text) as Notebook;
  } catch (e) {
    const offset = /position (\d+)/.exec((e as Error).message)?.[1];
    const line = offset === undefined ? '' : `, line ${text.slice(0, Number(offset)).split('\n').length}`;
    throw new NotebookFormatError(`${file}${line}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof notebook !== 'object' || notebook === null || notebook.nbformat !== 4) {
    throw new NotebookFormatError(`${file}: field 'nbformat' must be 4 (only nbformat 4 notebooks are supported)`);
  }
  if (!Array.isArray(notebook.cells)) throw new NotebookFormatError(`${file}: field 'cells' must be a list`);
  notebook.cells.forEach((cell, i) => {
    if (!['code', 'markdown', 'raw'].includes(cell?.cell_type)) {
      throw new NotebookFormatError(`${file}: cell ${i + 1}: field 'cell_type' must be code, markdown or raw`);
    }
    cell.metadata ??= {};
  });
  notebook.metadata ??= {};
  return notebook;
}

/**
 * nbformat's on-disk shape of a value: keys sorted, `source`/`text` and the text data of a MIME
 * bundle split into lines, JSON MIME data (a Vega-Lite spec) left as the object it is.
 */
function forDisk(value: unknown, inBundle = false): unknown {
  if (Array.isArray(value)) return value.map((v) => forDisk(v));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (inBundle) out[key] = isJSONMime(key) || typeof v !== 'string' ? v : splitLines(v);
    else if ((key === 'source' || key === 'text') && typeof v === 'string') out[key] = splitLines(v);
    else out[key] = forDisk(v, key === 'data');
  }
  return out;
}

export function serializeNotebook(notebook: Notebook): string {
  return JSON.stringify(forDisk(notebook), null, 1) + '\n';
}

/**
 * Writes `text` to a temporary file beside `file`, then renames it: readers never see half a
 * file. A failure names `file` (the temporary name means nothing to the user) and leaves no
 * temporary file behind.
 */
export function writeFileAtomic(file: string, text: string): void {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // never created
    }
    const { code } = e as NodeJS.ErrnoException;
    throw new Error(`cannot write ${file}: ${code === 'EISDIR' || isDirectory(file) ? 'it is a directory' : code ?? (e as Error).message}`);
  }
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Throws, naming `file`, unless it can be written: checked before a long run, so a typo in an
 * output path costs nothing (the write itself stays atomic, see writeFileAtomic).
 */
export function checkWritable(file: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!isDirectory(dir)) throw new Error(`cannot write ${file}: folder ${dir} does not exist`);
  if (isDirectory(file)) throw new Error(`cannot write ${file}: it is a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new Error(`cannot write ${file}: folder ${dir} is not writable`);
  }
}

export function writeNotebook(file: string, notebook: Notebook): void {
  writeFileAtomic(file, serializeNotebook(notebook));
}
