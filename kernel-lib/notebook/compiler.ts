// tslab's converter (TypeScript -> type-checked CommonJS, cell by cell) plus the JavaScript it
// emitted for library files the cells import. Building it costs about a second (TypeScript
// creates its program), so `make report` builds one and shares it between notebooks; each
// notebook still gets its own session (variables, loaded modules): see executor.ts.
//
// A conversion whose inputs are all unchanged since an earlier one (the cell, the cells before
// it, the project's sources, the compiler) comes from the compile cache (compile-cache.ts),
// and the converter is only built when a cell misses: a warm run of an unchanged notebook
// starts no TypeScript at all.
//
// The converter takes the process's working directory as its root: local `.ts` imports must
// lie under it. The kernel and the runner therefore run with the working directory at the
// project root, and cells import `./kernel-lib/....js`.
import * as path from 'node:path';
import { createConverter, type ConvertResult, type Converter } from 'tslab/dist/converter.js';
import { CompileCache, cellCacheDir } from './compile-cache.js';

/**
 * tslab runs TypeScript's watch timers through a single slot. Creating or deleting a file
 * under the project (an editor saving through a temporary file does both) makes TypeScript
 * schedule a second timer, and from then on every conversion throws this.
 */
const PENDING_TIMER_BUG = 'Unexpected pending rebuildTimer';

function newConverter(): Converter {
  return createConverter({ isJS: false, isBrowser: false });
}

/** `require("./x.js")` of a relative path in emitted CommonJS: how one library file needs another. */
const RELATIVE_REQUIRE = /\brequire\((["'])(\.{1,2}\/[^"']+)\1\)/g;

export class CellCompiler {
  readonly rootDir = process.cwd();
  /** Built on the first cell the cache does not have. */
  private converterOrNull: Converter | null = null;
  private readonly cache: CompileCache | null;
  /** Conversions served from the cache and made by TypeScript, in this compiler's life. */
  readonly counts = { cached: 0, compiled: 0 };
  /** Emitted CommonJS of library files, by absolute `.js` path. */
  readonly sideOutputs = new Map<string, string>();
  /** Bumped each time a library file's emitted code changes, so sessions drop stale modules. */
  private readonly emittedAt = new Map<string, number>();
  private serial = 0;

  /** `cacheDir`: where the compile cache lives (default: cellCacheDir), null for none. */
  constructor(options: { cacheDir?: string | null } = {}) {
    const dir = options.cacheDir === undefined ? cellCacheDir(this.rootDir) : options.cacheDir;
    this.cache = dir === null ? null : new CompileCache(this.rootDir, dir);
  }

  private get converter(): Converter {
    return (this.converterOrNull ??= newConverter());
  }

  /** Type-checks and converts `src`, given the declarations of the cells before it. */
  convert(prevDecl: string, src: string): ConvertResult {
    const key = this.cache?.key(prevDecl, src) ?? null;
    const hit = key === null ? undefined : this.cache!.get(key);
    if (hit) {
      this.counts.cached++;
      for (const [file, text] of hit.modules) this.emitted(file, text);
      return hit.result;
    }
    this.counts.compiled++;
    const result = this.withConverter((c) => c.convert(prevDecl, src));
    for (const out of result.sideOutputs ?? []) this.emitted(out.path, out.data);
    if (key !== null) this.cache!.put(key, result, this.modulesNeededBy(result.output ?? ''));
    return result;
  }

  private emitted(file: string, code: string): void {
    // Unchanged code keeps its module instances (a rebuilt converter re-emits everything).
    if (this.sideOutputs.get(file) === code) return;
    this.sideOutputs.set(file, code);
    this.emittedAt.set(file, ++this.serial);
  }

  /** The library files `cellCode` requires, directly or through each other, with their code. */
  private modulesNeededBy(cellCode: string): Map<string, string> {
    const needed = new Map<string, string>();
    const visit = (code: string, dir: string) => {
      for (const m of code.matchAll(RELATIVE_REQUIRE)) {
        let file = path.resolve(dir, m[2]!);
        if (path.extname(file) === '') file += '.js';
        const text = this.sideOutputs.get(file);
        if (text === undefined || needed.has(file)) continue;
        needed.set(file, text);
        visit(text, path.dirname(file));
      }
    };
    visit(cellCode, this.rootDir);
    return needed;
  }

  /** When `path` last changed (0 if never emitted): a session reloads modules emitted since. */
  emissionOf(path: string): number {
    return this.emittedAt.get(path) ?? 0;
  }

  complete(prevDecl: string, src: string, position: number) {
    return this.withConverter((c) => c.complete(prevDecl, src, position));
  }

  inspect(prevDecl: string, src: string, position: number) {
    return this.withConverter((c) => c.inspect(prevDecl, src, position));
  }

  /** Stops TypeScript's file watchers, which otherwise keep the process alive. */
  close(): void {
    this.converterOrNull?.close();
  }

  /** Runs `use`; if tslab's timer slot is jammed (see PENDING_TIMER_BUG), starts a fresh converter once. */
  private withConverter<T>(use: (converter: Converter) => T): T {
    try {
      return use(this.converter);
    } catch (e) {
      if (!(e instanceof Error && e.message === PENDING_TIMER_BUG)) throw e;
      this.converter.close();
      this.converterOrNull = newConverter();
      return use(this.converterOrNull);
    }
  }
}
