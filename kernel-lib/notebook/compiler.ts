// tslab's converter (TypeScript -> type-checked CommonJS, cell by cell) plus the JavaScript it
// emitted for library files the cells import. Building it costs about a second (TypeScript
// creates its program), so `make report` builds one and shares it between notebooks; each
// notebook still gets its own session (variables, loaded modules): see executor.ts.
//
// The converter takes the process's working directory as its root: local `.ts` imports must
// lie under it. The kernel and the runner therefore run with the working directory at the
// project root, and cells import `./kernel-lib/....js`.
import { createConverter, type ConvertResult, type Converter } from 'tslab/dist/converter.js';

/**
 * tslab runs TypeScript's watch timers through a single slot. Creating or deleting a file
 * under the project (an editor saving through a temporary file does both) makes TypeScript
 * schedule a second timer, and from then on every conversion throws this.
 */
const PENDING_TIMER_BUG = 'Unexpected pending rebuildTimer';

function newConverter(): Converter {
  return createConverter({ isJS: false, isBrowser: false });
}

export class CellCompiler {
  readonly rootDir = process.cwd();
  private converter = newConverter();
  /** Emitted CommonJS of library files, by absolute `.js` path. */
  readonly sideOutputs = new Map<string, string>();
  /** Bumped each time a library file's emitted code changes, so sessions drop stale modules. */
  private readonly emittedAt = new Map<string, number>();
  private serial = 0;

  /** Type-checks and converts `src`, given the declarations of the cells before it. */
  convert(prevDecl: string, src: string): ConvertResult {
    const result = this.withConverter((c) => c.convert(prevDecl, src));
    for (const out of result.sideOutputs ?? []) {
      // Unchanged code keeps its module instances (a rebuilt converter re-emits everything).
      if (this.sideOutputs.get(out.path) === out.data) continue;
      this.sideOutputs.set(out.path, out.data);
      this.emittedAt.set(out.path, ++this.serial);
    }
    return result;
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
    this.converter.close();
  }

  /** Runs `use`; if tslab's timer slot is jammed (see PENDING_TIMER_BUG), starts a fresh converter once. */
  private withConverter<T>(use: (converter: Converter) => T): T {
    try {
      return use(this.converter);
    } catch (e) {
      if (!(e instanceof Error && e.message === PENDING_TIMER_BUG)) throw e;
      this.converter.close();
      this.converter = newConverter();
      return use(this.converter);
    }
  }
}
