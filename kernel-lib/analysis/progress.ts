// Progress of long computations (sweeps). Whoever displays progress installs a factory: the
// notebook layer installs one that updates a display in the kernel; without one, progress goes
// to the terminal, as a live bar with ETA when stderr is a TTY and as an occasional plain line
// otherwise (logs of `make report` or CI stay readable).
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type cliProgressModule from 'cli-progress';
import { ANALYSIS_DIR } from './module-location.js';

/** cli-progress, loaded for the first live bar only (a shard or a log never draws one). */
const loadCliProgress = (): typeof cliProgressModule => createRequire(path.join(ANALYSIS_DIR, 'progress.js'))('cli-progress') as typeof cliProgressModule;

export interface Progress {
  /** `done` tasks out of the total are finished; `info` is a short status ("3 cached"). */
  update(done: number, info?: string): void;
  /** The work is over (successfully or not): release the display. */
  stop(): void;
}

export type ProgressFactory = (label: string, total: number) => Progress;

let installed: ProgressFactory | null = null;

/** Installs the factory every later progress display comes from; null restores the terminal one. */
export function setProgressFactory(factory: ProgressFactory | null): void {
  installed = factory;
}

/** A progress display from the installed factory, else the terminal one. */
export function createProgress(label: string, total: number): Progress {
  return (installed ?? terminalProgress)(label, total);
}

/** Progress on stderr. */
export const terminalProgress: ProgressFactory = (label, total) =>
  process.stderr.isTTY ? barProgress(label, total) : lineProgress(label, total);

function barProgress(label: string, total: number): Progress {
  const cliProgress = loadCliProgress();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {value}/{total} | ETA {eta_formatted} | {info}`,
      hideCursor: true,
      etaBuffer: 20,
      // Before the first run finishes the ETA is unknown: say '?' rather than cli-progress's 'INF'.
      formatTime: (t, options, round) => (Number.isFinite(Number(t)) ? cliProgress.Format.TimeFormat(t, options, round) : '?'),
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { info: '' });
  return {
    update: (done, info = '') => bar.update(done, { info }),
    stop: () => bar.stop(),
  };
}

/** One line at most every 10 s, plus the last one, so a log is not flooded. */
function lineProgress(label: string, total: number, intervalMs = 10_000): Progress {
  const start = Date.now();
  let lastPrint = start;
  let last = { done: 0, info: '' };
  const print = () => {
    const seconds = ((Date.now() - start) / 1000).toFixed(1);
    const info = last.info ? `, ${last.info}` : '';
    process.stderr.write(`${label}: ${last.done}/${total} done in ${seconds} s${info}\n`);
  };
  return {
    update(done, info = '') {
      last = { done, info };
      if (Date.now() - lastPrint >= intervalMs) {
        lastPrint = Date.now();
        print();
      }
    },
    stop: print,
  };
}
