// Errors of a cell in Jupyter's terms (ename, evalue, traceback), pointing at the lines the
// user wrote.
//
// tslab's converter turns a cell's TypeScript into CommonJS without a source map: type-only
// lines and blank lines disappear and `exports.x = x;` lines appear, so a line number in a V8
// stack frame is a line of the generated code. We map it back by aligning generated lines with
// source lines (a diff-like dynamic program over token similarity), which is exact for the
// statements people write (the generated line is the source line minus its types and with
// `exports.`/import-alias prefixes).
import { inspect } from 'node:util';
import type { Diagnostic } from 'tslab/dist/converter.js';

/** The code of one executed cell, kept so later tracebacks can name its lines. */
export interface CellCode {
  /** How the user knows the cell: `Cell In[3]`, or `notebooks/x.ipynb, cell 4`. */
  label: string;
  source: string;
  /** The generated JavaScript exactly as run (first line after the wrapper's prefix). */
  output: string;
}

export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
  /** Where the error happened in the user's code: `Cell In[4], line 6` (innermost cell frame). */
  location?: string;
}

function tokens(line: string): string[] {
  const cleaned = line
    .replace(/\(0,\s*[\w$]+_\d+\.([\w$]+)\)/g, '$1') // (0, mod_1.f)(x) -> f(x)
    .replace(/\b[\w$]+_\d+\.(?=[\w$])/g, '') // mod_1.Chart -> Chart
    .replace(/\bexports\.tsLastExpr\d*\s*=\s*/g, '')
    .replace(/\bexports\./g, '');
  return cleaned.match(/[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|'[^']*'|"[^"]*"|`[^`]*`|[^\s\w]/g) ?? [];
}

function similarity(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  // Longest common subsequence of tokens, relative to the generated line's length.
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      row[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, row[j - 1]!);
    }
    prev = row;
  }
  return prev[b.length]! / a.length;
}

/** The 1-based source line that generated the 1-based `outputLine`, or undefined. */
export function sourceLineOf(source: string, output: string, outputLine: number): number | undefined {
  const src = source.split('\n').map(tokens);
  const out = output.split('\n').map(tokens);
  const n = out.length;
  const m = src.length;
  // score[i][j]: best total similarity aligning out[0..i) with src[0..j) in order.
  const score = Array.from({ length: n + 1 }, () => new Float64Array(m + 1));
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const s = similarity(out[i - 1]!, src[j - 1]!);
      score[i]![j] = Math.max(score[i - 1]![j]!, score[i]![j - 1]!, s > 0.5 ? score[i - 1]![j - 1]! + s : -Infinity);
    }
  }
  const match = new Map<number, number>();
  for (let i = n, j = m; i > 0 && j > 0; ) {
    const s = similarity(out[i - 1]!, src[j - 1]!);
    if (s > 0.5 && score[i]![j] === score[i - 1]![j - 1]! + s) {
      match.set(i, j);
      i--;
      j--;
    } else if (score[i]![j] === score[i - 1]![j]) i--;
    else j--;
  }
  // An unmatched generated line (an added export line) belongs to the statement above it.
  for (let i = outputLine; i > 0; i--) if (match.has(i)) return match.get(i);
  return undefined;
}

/** A few lines of the cell around `line`, marked the way IPython marks them. */
function excerpt(source: string, line: number): string {
  const lines = source.split('\n');
  const from = Math.max(1, line - 2);
  const to = Math.min(lines.length, line + 2);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    const marker = n === line ? '---->' : '     ';
    out.push(`${marker} ${String(n).padStart(width)} ${lines[n - 1]}`);
  }
  return out.join('\n');
}

const FRAME = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;

/**
 * A thrown value as a Jupyter error. `cells` maps the vm filename of every cell run so far to
 * its code, so frames in earlier cells (a function defined there) are named too. Frames inside
 * the executor and Node's internals are dropped; library frames are kept, relative to `rootDir`.
 */
export function errorFromThrown(
  thrown: unknown,
  cells: ReadonlyMap<string, CellCode>,
  rootDir: string,
  dropFramesFrom: string,
  /** Maps a frame in a library file run from tslab's emitted JavaScript to its .ts file and line. */
  libraryLine: (file: string, line: number) => { file: string; line: number } | undefined = () => undefined,
): CellError {
  const isError = thrown instanceof Error || (typeof thrown === 'object' && thrown !== null && 'stack' in thrown);
  const ename = isError ? String((thrown as Error).name ?? 'Error') : 'Error';
  const evalue = isError ? String((thrown as Error).message ?? '') : `thrown value: ${inspect(thrown)}`;
  const stack = isError ? String((thrown as Error).stack ?? '') : '';
  const blocks: string[] = [];
  let location: string | undefined;
  for (const text of stack.split('\n')) {
    const frame = FRAME.exec(text);
    if (!frame) continue;
    const [, fn, file, lineText] = frame;
    // Below the executor are its callers (the kernel, a test): not the user's business.
    if (file!.includes(dropFramesFrom)) break;
    if (file!.startsWith('node:')) continue;
    const cell = cells.get(file!);
    if (cell) {
      // The last line is the wrapper calling the cell's code: not a line the user wrote.
      if (Number(lineText) > cell.output.split('\n').length) continue;
      const mapped = sourceLineOf(cell.source, cell.output, Number(lineText));
      location ??= mapped ? `${cell.label}, line ${mapped}` : cell.label;
      // Functions of earlier cells are called through the variables proxy: `Proxy.f` is `f`.
      const name = fn?.replace(/^(Proxy|Object)\./, '');
      const where = name && name !== 'eval' && name !== '<anonymous>' ? `, in ${name}` : '';
      blocks.push(mapped ? `${cell.label}, line ${mapped}${where}\n${excerpt(cell.source, mapped)}` : `${cell.label}${where}`);
    } else if (!file!.startsWith('evalmachine')) {
      const where = libraryLine(file!, Number(lineText)) ?? { file: file!, line: Number(lineText) };
      const rel = where.file.startsWith(rootDir + '/') ? where.file.slice(rootDir.length + 1) : where.file;
      blocks.push(`  at ${fn ? fn + ' ' : ''}(${rel}:${where.line})`);
    }
  }
  // V8 lists the innermost frame first; Jupyter, like Python, shows it last.
  blocks.reverse();
  return { ename, evalue, traceback: [...blocks, `${ename}: ${evalue}`], location };
}

/** Type errors reported by the converter, before anything ran. */
export function errorFromDiagnostics(diagnostics: readonly Diagnostic[], cell: Omit<CellCode, 'output'>): CellError {
  const blocks = diagnostics.map((d) => {
    const where = d.fileName
      ? `${d.fileName}, line ${d.start.line + 1}`
      : `${cell.label}, line ${d.start.line + 1}`;
    const context = d.fileName ? '' : `\n${excerpt(cell.source, d.start.line + 1)}`;
    return `${where}, column ${d.start.character + 1}: error TS${d.code}: ${d.messageText}${context}`;
  });
  const first = diagnostics[0];
  const evalue = first
    ? `${first.fileName ?? cell.label}, line ${first.start.line + 1}: ${first.messageText}`
    : 'compilation failed';
  return {
    ename: 'TSError',
    evalue,
    traceback: [...blocks, `TSError: ${evalue}`],
    location: first ? `${first.fileName ?? cell.label}, line ${first.start.line + 1}` : cell.label,
  };
}
