// tslab's converter (TypeScript -> type-checked CommonJS, cell by cell) plus the JavaScript it
// emitted for library files the cells import. Building it costs about a second (TypeScript
// creates its program), so `make report` builds one and shares it between notebooks; each
// notebook still gets its own session (variables, loaded modules): see executor.ts.
//
// The converter takes the process's working directory as its root: local `.ts` imports must
// lie under it. The kernel and the runner therefore run with the working directory at the
// project root, and cells import `./kernel-lib/....js`.
import { createConverter, type ConvertResult, type Converter } from 'tslab/dist/converter.js';

export class CellCompiler {
  readonly rootDir = process.cwd();
  private readonly converter: Converter = createConverter({ isJS: false, isBrowser: false });
  /** Emitted CommonJS of library files, by absolute `.js` path. */
  readonly sideOutputs = new Map<string, string>();
  /** Bumped each time a library file is re-emitted, so sessions drop stale modules. */
  private readonly emittedAt = new Map<string, number>();
  private serial = 0;

  /** Type-checks and converts `src`, given the declarations of the cells before it. */
  convert(prevDecl: string, src: string): ConvertResult {
    const result = this.converter.convert(prevDecl, src);
    for (const out of result.sideOutputs ?? []) {
      this.sideOutputs.set(out.path, out.data);
      this.emittedAt.set(out.path, ++this.serial);
    }
    return result;
  }

  /** When `path` was last emitted (0 if never): a session reloads modules emitted since. */
  emissionOf(path: string): number {
    return this.emittedAt.get(path) ?? 0;
  }

  complete(prevDecl: string, src: string, position: number) {
    return this.converter.complete(prevDecl, src, position);
  }

  inspect(prevDecl: string, src: string, position: number) {
    return this.converter.inspect(prevDecl, src, position);
  }

  /** Stops TypeScript's file watchers, which otherwise keep the process alive. */
  close(): void {
    this.converter.close();
  }
}
