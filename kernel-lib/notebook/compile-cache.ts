// What tslab's converter made of a cell, kept on disk (.cache/cells) so that running an
// unchanged notebook again skips TypeScript altogether. Type-checking a cell that imports the
// library checks every library file it reaches (tslab's getPreEmitDiagnosticsWithDependencies),
// which was most of a warm `make report`: tens of seconds per notebook with every sweep cached.
//
// An entry is reused only when everything the conversion read is the same: the cell's source,
// the declarations of the cells before it, every source file under the project that a cell
// could import (the converter's root is the project, so any of them), the installed packages
// (package-lock.json) and the compiler (tslab, its TypeScript, Node's major version, which sets
// the emit target). The result is stored whole, diagnostics included: a cell with a type error
// reports the same error, with the same cell and line, from the cache.
//
// Library files run from the JavaScript the converter emitted for them (executor.ts), so an
// entry also names that JavaScript, file by file, stored once by its hash (modules/HASH.js).
// Files are written to a temporary name and renamed; an entry whose key or module hash does
// not check out is a miss, never a wrong answer.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import type { ConvertResult } from 'tslab/dist/converter.js';
import { sourceFiles } from '../base/source-files.js';
import { writeFileAtomic } from './nbformat.js';

/** Bump when the entry format or what the key covers changes. */
const FORMAT = 1;

/** Folders under the project that hold no source a cell imports (outputs, caches, packages). */
const NOT_SOURCE = new Set(['node_modules', 'reports', 'build', 'test-output']);
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|json)$/;
/** A root with more source files than this is not a project (a kernel started in a home folder): no cache. */
const MAX_FILES = 20_000;

interface Entry {
  format: number;
  key: string;
  result: Omit<ConvertResult, 'sideOutputs'>;
  /** Emitted JavaScript of the library files, absolute `.js` path -> hash of the text. */
  modules: Record<string, string>;
}

export interface CacheHit {
  result: ConvertResult;
  /** Library modules' JavaScript, by absolute `.js` path (every file the entry names). */
  modules: Map<string, string>;
}

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** Where the cache lives: $DMSIM_CELL_CACHE_DIR, else .cache/cells under the project; 'off' disables it. */
export function cellCacheDir(rootDir: string): string | null {
  const dir = process.env.DMSIM_CELL_CACHE_DIR;
  if (dir === 'off') return null;
  return path.resolve(dir ?? path.join(rootDir, '.cache', 'cells'));
}

export class CompileCache {
  /** Content hash of each source file, while its size and mtime stay the same. */
  private readonly fileHashes = new Map<string, { mtimeMs: number; size: number; hash: string }>();
  /** Module texts already read (or written) in this process, by hash. */
  private readonly known = new Map<string, string>();
  private readonly toolVersion: string;

  constructor(
    private readonly rootDir: string,
    private readonly dir: string,
  ) {
    const require = Module.createRequire(path.join(rootDir, 'src.js'));
    const version = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;
    this.toolVersion = `${FORMAT} tslab ${version('tslab')} ts ${version('@tslab/typescript-for-tslab')} node ${process.versions.node.split('.')[0]}`;
  }

  /**
   * The key of converting `src` after `prevDecl` with the project as it is now; null if the
   * project is too big to fingerprint. Source files are re-read only when their size or
   * mtime changed, so a kernel session sees an edit to the library at the next cell.
   */
  key(prevDecl: string, src: string): string | null {
    const sources = this.sourcesFingerprint();
    if (sources === null) return null;
    return sha256(`${this.toolVersion}\0${sources}\0${prevDecl}\0${src}`);
  }

  get(key: string): CacheHit | undefined {
    let entry: Entry;
    try {
      entry = JSON.parse(fs.readFileSync(this.entryFile(key), 'utf8')) as Entry;
    } catch {
      return undefined;
    }
    if (entry.format !== FORMAT || entry.key !== key) return undefined;
    const modules = new Map<string, string>();
    for (const [file, hash] of Object.entries(entry.modules)) {
      const text = this.moduleText(hash);
      if (text === undefined) return undefined;
      modules.set(file, text);
    }
    return { result: { ...entry.result }, modules };
  }

  /** Stores `result` and the JavaScript of `modules`. A failed write only costs the next run a conversion. */
  put(key: string, result: ConvertResult, modules: ReadonlyMap<string, string>): void {
    try {
      const names: Record<string, string> = {};
      for (const [file, text] of modules) {
        const hash = sha256(text);
        names[file] = hash;
        // Written unless this process read or wrote it already: a damaged copy is replaced.
        if (this.known.has(hash)) continue;
        writeAtomic(path.join(this.dir, 'modules', `${hash}.js`), text);
        this.known.set(hash, text);
      }
      const { sideOutputs: _emitted, ...rest } = result;
      const entry: Entry = { format: FORMAT, key, result: rest, modules: names };
      writeAtomic(this.entryFile(key), JSON.stringify(entry));
    } catch {
      // A read-only checkout or a full disk: the cache is an optimisation.
    }
  }

  private entryFile(key: string): string {
    return path.join(this.dir, 'entries', `${key.slice(0, 2)}`, `${key}.json`);
  }

  private moduleText(hash: string): string | undefined {
    const known = this.known.get(hash);
    if (known !== undefined) return known;
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.dir, 'modules', `${hash}.js`), 'utf8');
    } catch {
      return undefined;
    }
    if (sha256(text) !== hash) return undefined;
    this.known.set(hash, text);
    return text;
  }

  /** Hash over the path and content of every source file under the root, and package-lock.json. */
  private sourcesFingerprint(): string | null {
    const files = sourceFiles(this.rootDir, { skipTopLevel: NOT_SOURCE, include: SOURCE_FILE, max: MAX_FILES });
    if (files === null) return null;
    const all = createHash('sha256');
    for (const rel of files) {
      const file = path.join(this.rootDir, rel);
      const st = fs.statSync(file);
      let known = this.fileHashes.get(file);
      if (known === undefined || known.mtimeMs !== st.mtimeMs || known.size !== st.size) {
        known = { mtimeMs: st.mtimeMs, size: st.size, hash: sha256(fs.readFileSync(file)) };
        this.fileHashes.set(file, known);
      }
      // The path is part of it: renaming or moving a file is a change too.
      all.update(`${rel}\0${known.hash}\0`);
    }
    return all.digest('hex');
  }
}

function writeAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, text);
}
