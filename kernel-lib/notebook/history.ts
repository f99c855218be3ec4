// The inputs (and text outputs) of this kernel session, for history_request: the `tail`,
// `range` and `search` accesses of the protocol. IPython keeps history in SQLite across
// sessions; dmsim keeps the current session only, numbered session 1.
// https://jupyter-client.readthedocs.io/en/stable/messaging.html#history

export interface HistoryRequest {
  output?: boolean;
  raw?: boolean;
  hist_access_type?: 'range' | 'tail' | 'search';
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
}

type Entry = [session: number, line: number, input: string | [string, string | null]];

export const SESSION = 1;

/** IPython's glob: `*` any run, `?` one character, anything else literal. */
function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

export class History {
  private readonly lines: { line: number; input: string; output: string | null }[] = [];

  record(line: number, input: string): void {
    this.lines.push({ line, input, output: null });
  }

  recordOutput(line: number, output: string): void {
    const entry = this.lines.find((e) => e.line === line);
    if (entry) entry.output = output;
  }

  query(request: HistoryRequest): Entry[] {
    let selected = this.lines;
    switch (request.hist_access_type ?? 'tail') {
      case 'tail':
        selected = request.n ? selected.slice(-request.n) : selected;
        break;
      case 'range': {
        if (request.session !== undefined && request.session !== SESSION && request.session !== 0) return [];
        const start = request.start ?? 0;
        const stop = request.stop ?? Number.POSITIVE_INFINITY;
        selected = selected.filter((e) => e.line >= start && e.line < stop);
        break;
      }
      case 'search': {
        const re = globToRegExp(request.pattern ?? '*');
        selected = selected.filter((e) => re.test(e.input));
        if (request.unique) {
          // The newest occurrence of each input wins, like IPython's `unique`.
          const newest = new Map(selected.map((e) => [e.input, e]));
          selected = [...newest.values()].sort((a, b) => a.line - b.line);
        }
        if (request.n) selected = selected.slice(-request.n);
        break;
      }
    }
    return selected.map((e) => [SESSION, e.line, request.output ? [e.input, e.output] : e.input]);
  }
}
