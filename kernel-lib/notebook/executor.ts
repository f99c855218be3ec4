// One notebook session: runs cells in order, keeping their variables, the way a kernel does.
// The kernel (kernel.ts) and the in-process runner (runner.ts) both use this class, so a
// notebook computes the same thing under JupyterLab, nbconvert and `make report`.
//
// It is tslab's executor (tslab/dist/executor.js) rewritten to return what a cell produced
// instead of printing it: tslab prints the last expression to stdout and errors to stderr,
// which is why its kernel never sends execute_result or error messages. Conversion
// (type-checking, CommonJS output, carrying declarations from cell to cell) is tslab's own
// converter, unchanged (compiler.ts).
import { existsSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { isCompleteCode } from 'tslab/dist/converter.js';
import { printQuickInfo } from 'tslab/dist/inspect.js';
import { CellCompiler } from './compiler.js';
import { mimeBundleOf, type MimeBundle } from './mime-bundle.js';
import { guardProcessExit } from '../analysis/process-exit-guard.js';
import { createDisplayProgress } from './progress-display.js';
import { expandShorthandProperties } from './shorthand.js';
import { errorFromDiagnostics, errorFromThrown, sourceLineOf, type CellCode, type CellError } from './traceback.js';

/** Where a running cell's outputs go: the iopub socket, or a notebook cell's output list. */
export type { OutputSink } from './output-sink.js';
import type { OutputSink } from './output-sink.js';

export type CellOutcome = { status: 'ok'; result?: MimeBundle } | { status: 'error'; error: CellError };

export interface CellLimits {
  /** Wall time the cell may take, synchronous part and awaited part alike; none if undefined. */
  timeoutMs?: number;
  /** Says which limit it is in the error, e.g. `cell time limit, --cell-timeout`. */
  limitName?: string;
}

/** A cell stopped at its time limit. */
export class CellTimeout extends Error {
  constructor(what: string, ms: number, limitName: string) {
    super(`${what} did not finish within ${ms / 1000} s (${limitName})`);
    this.name = 'TimeoutError';
  }
}

export interface ExecutorOptions {
  /** Share one compiler between sessions (saves TypeScript's start-up); else a private one. */
  compiler?: CellCompiler;
  /** Prefix of display ids; the runner uses a fixed one so its outputs are reproducible. */
  displayIdPrefix?: string;
  /** Keep sending stdout/stderr to the last cell after it finished (kernel), or restore them (runner). */
  keepStreams?: boolean;
}

/**
 * Declared before the first cell, so cells type-check `display(x)`. tslab rewrites uses of
 * earlier declarations to `exports.name`, which is where these functions live at run time.
 */
const PRELUDE_DECLARATIONS = `/** Shows a value below the cell: tables, charts, anything with _repr_mimebundle_(). */
declare function display(value: unknown): void;
/** Clears the cell's output; with wait, only when the next output arrives. */
declare function clearOutput(wait?: boolean): void;
`;

/** Stack frames of this file: where the user's code ends and its caller (kernel, test) starts. */
const EXECUTOR_FRAMES = `${path.sep}kernel-lib${path.sep}notebook${path.sep}executor.`;

/** The library file whose progress displays a session redirects into the notebook. */
const PROGRESS_MODULE = 'kernel-lib/analysis/progress.js';

interface ModuleInternals {
  filename: string;
  paths: string[];
  exports: Record<string, unknown>;
  require: NodeJS.Require;
  _compile(code: string, filename: string): void;
}

let sessionSerial = 0;

export class Executor {
  readonly compiler: CellCompiler;
  private readonly ownsCompiler: boolean;
  private readonly rootDir: string;
  private prevDecl = PRELUDE_DECLARATIONS;
  /** Cell variables. Named imports are defined as getters; store their values so later cells may reassign them. */
  private readonly locals: Record<string, unknown> = {};
  private readonly exports = new Proxy(this.locals, {
    defineProperty: (target, prop, attrs) => {
      if (prop === '__esModule') return true;
      target[prop as string] = attrs.get ? attrs.get() : attrs.value;
      return true;
    },
  });
  private readonly require: NodeJS.Require;
  private readonly modules = new Map<string, { module: ModuleInternals; emission: number }>();
  private readonly cells = new Map<string, CellCode>();
  private readonly session = ++sessionSerial;
  private sink: OutputSink | null = null;
  private pendingDisplays: Promise<void> = Promise.resolve();
  private pendingCount = 0;
  private displayFailure: unknown = null;
  private displaySerial = 0;
  private cellSerial = 0;
  private interruptNow: (reason: Error) => void = () => {};
  private readonly savedWrites = { stdout: process.stdout.write, stderr: process.stderr.write };

  constructor(private readonly options: ExecutorOptions = {}) {
    this.ownsCompiler = !options.compiler;
    this.compiler = options.compiler ?? new CellCompiler();
    this.rootDir = this.compiler.rootDir;
    this.require = this.wrapRequire(Module.createRequire(path.join(this.rootDir, 'src.js')), this.rootDir);
    this.locals.display = (value: unknown) => this.display(value);
    this.locals.clearOutput = (wait = false) => this.sink?.clearOutput(wait);
    this.routeTslabDisplay();
  }

  /**
   * tslab's own display API (`import * as tslab from 'tslab'; tslab.display.html(...)`,
   * `tslab.newDisplay()`), which notebooks written for tslab use, writes through a hook that
   * tslab's kernel sets for each request (`lastWriteDisplayData`); unset, it throws "Not
   * ready". Pointed at the running cell here, it works in dmsim's kernel and runs alike.
   */
  private routeTslabDisplay(): void {
    type TslabMessage = { data: MimeBundle; metadata?: Record<string, unknown>; transient?: { display_id?: string } };
    const jupyter = Module.createRequire(path.join(this.rootDir, 'src.js'))('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
    jupyter.lastWriteDisplayData = (message: TslabMessage, update: boolean) =>
      this.sink?.displayData(message.data, message.metadata ?? {}, message.transient?.display_id, update);
  }

  /** A display id unique in this session. */
  newDisplayId(): string {
    return `${this.options.displayIdPrefix ?? 'dmsim'}-${this.session}-${++this.displaySerial}`;
  }

  /** The cell now running, or the last one: where progress displays and late output go. */
  get currentSink(): OutputSink | null {
    return this.sink;
  }

  /**
   * Shows `value` in the running cell. A bundle ready now is sent now (so it lands before a
   * later console.log); an async one, and everything after it, waits its turn in order.
   */
  display(value: unknown, displayId?: string, update = false): void {
    const sink = this.sink;
    if (!sink) return;
    const bundle = mimeBundleOf(value);
    if (!(bundle instanceof Promise) && this.pendingCount === 0) {
      sink.displayData(bundle, {}, displayId, update);
      return;
    }
    this.pendingCount++;
    this.pendingDisplays = this.pendingDisplays.then(async () => {
      try {
        sink.displayData(await bundle, {}, displayId, update);
      } catch (e) {
        this.displayFailure ??= e;
      } finally {
        this.pendingCount--;
      }
    });
  }

  /**
   * Runs one cell. `label` names it in tracebacks (`Cell In[3]`, `notebooks/x.ipynb, cell 4`).
   * Never throws: failures come back as `{status: 'error'}` with a Jupyter-shaped error.
   */
  async execute(source: string, label: string, sink: OutputSink, limits: CellLimits = {}): Promise<CellOutcome> {
    this.sink = sink;
    this.redirectStreams(sink);
    const filename = `dmsim-cell-${this.session}-${++this.cellSerial}`;
    const interrupted = new Promise<never>((_, reject) => (this.interruptNow = reject));
    interrupted.catch(() => {});
    const limitName = limits.limitName ?? 'cell time limit';
    const timeoutMs = limits.timeoutMs === undefined ? undefined : Math.max(1, Math.ceil(limits.timeoutMs));
    let timer: NodeJS.Timeout | undefined;
    const releaseExit = guardProcessExit();
    const savedLimit = Error.stackTraceLimit;
    try {
      const converted = this.compiler.convert(this.prevDecl, expandShorthandProperties(source));
      if (converted.diagnostics.length > 0) {
        return { status: 'error', error: errorFromDiagnostics(converted.diagnostics, { label, source }) };
      }
      // Declarations count even if the cell fails later, as in a REPL: a function defined
      // above a failing line can be called from the next cell (tslab forgot them).
      this.prevDecl = converted.declOutput ?? this.prevDecl;
      if (converted.output) {
        this.cells.set(filename, { label, source, output: converted.output });
        (globalThis as Record<string, unknown>).__dmsim_cell__ = { exports: this.exports, require: this.require };
        const prefix = converted.hasToplevelAwait ? '(async function (exports, require) { ' : '(function (exports, require) { ';
        const code = `${prefix}${converted.output}\n})(__dmsim_cell__.exports, __dmsim_cell__.require)`;
        // Deep enough to reach the cell from inside the simulator; only while the cell runs,
        // since TypeScript's compiler throws and catches a lot and pays for every frame.
        Error.stackTraceLimit = 50;
        // The limit counts from here, not from the compilation (which a loaded machine slows):
        // the awaited part of the cell ends at the timer, a promise that never resolves too...
        if (timeoutMs !== undefined) timer = setTimeout(() => this.interruptNow(new CellTimeout('the cell', timeoutMs, limitName)), timeoutMs);
        // ...and its synchronous part at vm's watchdog, which stops a busy loop.
        const ran = vm.runInThisContext(code, { filename, breakOnSigint: true, ...(timeoutMs !== undefined ? { timeout: timeoutMs } : {}) }) as unknown;
        if (converted.hasToplevelAwait) await Promise.race([ran, interrupted]);
      }
      await Promise.race([this.pendingDisplays, interrupted]);
      if (this.displayFailure) throw this.displayFailure;
      const name = converted.lastExpressionVar;
      if (!name) return { status: 'ok' };
      const value = this.locals[name];
      delete this.locals[name];
      return value === undefined ? { status: 'ok' } : { status: 'ok', result: await Promise.race([mimeBundleOf(value), interrupted]) };
    } catch (thrown) {
      // vm's breakOnSigint stopped a busy cell: the same interrupt as an awaited one.
      if ((thrown as { code?: string } | null)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') (thrown as Error).name = 'KeyboardInterrupt';
      if ((thrown as { code?: string } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') thrown = new CellTimeout('the cell', timeoutMs!, limitName);
      return {
        status: 'error',
        error: errorFromThrown(thrown, this.cells, this.rootDir, EXECUTOR_FRAMES, (file, line) => this.libraryLine(file, line)),
      };
    } finally {
      clearTimeout(timer);
      releaseExit();
      Error.stackTraceLimit = savedLimit;
      this.pendingDisplays = Promise.resolve();
      this.displayFailure = null;
      if (!this.options.keepStreams) this.restoreStreams();
    }
  }

  /** Stops a cell waiting on a promise; a busy loop is stopped by SIGINT (breakOnSigint). */
  interrupt(reason?: Error): void {
    this.interruptNow(reason ?? Object.assign(new Error('interrupted by the user'), { name: 'KeyboardInterrupt' }));
  }

  /** A Jupyter-shaped error for something thrown outside execute (a cell's late error). */
  describeError(thrown: unknown): CellError {
    return errorFromThrown(thrown, this.cells, this.rootDir, EXECUTOR_FRAMES, (file, line) => this.libraryLine(file, line));
  }

  complete(source: string, cursor: number): { start: number; end: number; matches: string[] } {
    const info = this.compiler.complete(this.prevDecl, source, cursor);
    return { start: info.start, end: info.end, matches: info.candidates };
  }

  /** Type and documentation of the name at `cursor`, as text; null when there is none. */
  inspect(source: string, cursor: number): string | null {
    const info = this.compiler.inspect(this.prevDecl, source, cursor);
    return info ? printQuickInfo(info) : null;
  }

  isComplete(source: string): { status: 'complete' } | { status: 'incomplete'; indent: string } {
    const result = isCompleteCode(source);
    return result.completed ? { status: 'complete' } : { status: 'incomplete', indent: result.indent ?? '' };
  }

  /** Exports of a library module this session has loaded (relative to the project), if any. */
  loadedModule(relativePath: string): Record<string, unknown> | undefined {
    return this.modules.get(path.join(this.rootDir, relativePath))?.module.exports;
  }

  /** Writes to the process's real stderr, whatever the cells' output is redirected to. */
  writeLog(text: string): void {
    this.savedWrites.stderr.call(process.stderr, text);
  }

  close(): void {
    this.restoreStreams();
    this.sink = null;
    const progress = this.loadedModule(PROGRESS_MODULE);
    if (typeof progress?.setProgressFactory === 'function') progress.setProgressFactory(null);
    if (this.ownsCompiler) this.compiler.close();
  }

  /**
   * A frame in a library file points into the JavaScript tslab emitted for it, which is not on
   * disk: name the TypeScript file and its line instead, when they can be matched.
   */
  private libraryLine(file: string, line: number): { file: string; line: number } | undefined {
    const emitted = this.compiler.sideOutputs.get(file);
    const tsFile = file.replace(/\.js$/, '.ts');
    if (emitted === undefined || !existsSync(tsFile)) return undefined;
    const tsLine = sourceLineOf(readFileSync(tsFile, 'utf8'), emitted, line);
    return tsLine === undefined ? undefined : { file: tsFile, line: tsLine };
  }

  private redirectStreams(sink: OutputSink): void {
    const forward = (name: 'stdout' | 'stderr') =>
      ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
        sink.stream(name, typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        const done = typeof encoding === 'function' ? encoding : callback;
        if (typeof done === 'function') process.nextTick(done as () => void);
        return true;
      }) as typeof process.stdout.write;
    process.stdout.write = forward('stdout');
    process.stderr.write = forward('stderr');
  }

  private restoreStreams(): void {
    process.stdout.write = this.savedWrites.stdout;
    process.stderr.write = this.savedWrites.stderr;
  }

  /**
   * `require` for cells and the library files they import: a library file is run from the
   * converter's emitted JavaScript (compiled with the cells, so types agree); anything else
   * (node_modules, Node built-ins) goes to Node's own require.
   */
  private wrapRequire(base: NodeJS.Require, dirname: string): NodeJS.Require {
    const load = (id: string, thisArg: unknown): unknown => {
      if (id.startsWith('.') || path.isAbsolute(id)) {
        let filename = path.resolve(dirname, id);
        if (path.extname(filename) === '') filename += '.js';
        const library = this.loadLibraryModule(filename);
        if (library) return library.exports;
      }
      // A module's require must run with the module as `this` (Module.prototype.require).
      return base.call(thisArg, id);
    };
    return new Proxy(base, { apply: (_target, thisArg: unknown, args: [string]) => load(args[0], thisArg) });
  }

  private loadLibraryModule(filename: string): ModuleInternals | undefined {
    const emission = this.compiler.emissionOf(filename);
    const cached = this.modules.get(filename);
    if (cached && cached.emission >= emission) return cached.module;
    const code = this.compiler.sideOutputs.get(filename);
    if (code === undefined) return undefined;
    const NodeModule = Module as unknown as {
      new (id: string): ModuleInternals;
      _nodeModulePaths(dir: string): string[];
    };
    const mod = new NodeModule(filename);
    mod.filename = filename;
    mod.paths = NodeModule._nodeModulePaths(path.dirname(filename));
    mod.require = this.wrapRequire(mod.require, path.dirname(filename));
    // Registered before running, so import cycles see the partial exports as Node's loader does.
    this.modules.set(filename, { module: mod, emission });
    mod._compile(code, filename);
    if (filename === path.join(this.rootDir, PROGRESS_MODULE) && typeof mod.exports.setProgressFactory === 'function') {
      mod.exports.setProgressFactory(createDisplayProgress(this));
    }
    return mod;
  }
}
