// The live progress line of an in-process notebook run (`make report`, `dmsim notebook run`):
// while a cell's sweep runs, one line on the terminal says where (notebook, cell) and how far
// (points done of total, cache hits, elapsed, ETA), rewritten in place; when the cell ends its
// last state stays as a line of the log. Without a terminal (a log file, CI) it prints at
// most one line every 10 s, plus the last, so logs stay readable.

export interface LineTarget {
  write(text: string): void;
  readonly isTTY: boolean;
  readonly columns?: number;
}

export class ProgressLine {
  private current: string | undefined;
  private shownAt = -Infinity;
  private startedAt = 0;

  constructor(
    private readonly target: LineTarget,
    private readonly intervalMs = 10_000,
  ) {}

  /** The latest state of the running progress display. */
  show(line: string): void {
    const now = performance.now();
    if (this.current === undefined) this.startedAt = now;
    this.current = line;
    if (this.target.isTTY) {
      const width = Math.max(20, (this.target.columns ?? 100) - 1);
      const shown = line.length > width ? `${line.slice(0, width - 1)}…` : line;
      this.target.write(`\r\x1b[2K${shown}`);
    } else if (now - this.shownAt >= this.intervalMs) {
      this.shownAt = now;
      this.target.write(`${line}\n`);
    }
  }

  /** The cell ended: its last state stays, with the time it took. */
  finish(): void {
    if (this.current === undefined) return;
    const seconds = (performance.now() - this.startedAt) / 1000;
    this.target.write(`${this.target.isTTY ? '\r\x1b[2K' : ''}${this.current} (${seconds.toFixed(1)} s)\n`);
    this.current = undefined;
    this.shownAt = -Infinity;
  }
}
