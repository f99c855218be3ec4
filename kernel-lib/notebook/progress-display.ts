// Progress of a sweep shown in the notebook: one display (display_data with a display_id) that
// later updates replace (update_display_data), as text plus a small HTML bar. The analysis
// layer asks for it through `setProgressFactory` (kernel-lib/analysis/progress.ts); the
// executor installs this factory into the copy of that module the cells load.
//
// Outputs carry `metadata.dmsim.progress`, so the report runner can drop them from pages: a
// bar says how a run went, not what it found, and "12 cached" would differ between runs.
//
// Only types come from the analysis layer: at run time the factory reaches the cells' own copy
// of progress.ts through the executor, never through an import here.
import type { ProgressFactory } from '../analysis/progress.js';
import type { OutputSink } from './output-sink.js';
import { escapeHTML } from './html-escape.js';
import type { MimeBundle } from './mime-bundle.js';

interface DisplayHost {
  readonly currentSink: OutputSink | null;
  newDisplayId(): string;
}

/** Updates sent at most this often: a sweep of 10 000 cheap runs must not flood the socket. */
const MIN_INTERVAL_MS = 200;

export const PROGRESS_METADATA = { dmsim: { progress: true } };


/** Seconds as people read a wait: "8 s", "2 min 05 s", "1 h 03 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/**
 * Time so far and time left while work is under way. The rate counts only the work done since
 * the display started: points found in the cache at the start take no time and would make the
 * estimate too short. Before the first point finishes the time left is unknown ('?').
 */
export class Eta {
  private readonly started = performance.now();
  private first: number | undefined;

  constructor(readonly total: number) {}

  observe(done: number): void {
    this.first ??= done;
  }

  /** "; 8 s elapsed, ETA 14 s" while work is left, '' when all is done. */
  text(done: number): string {
    this.observe(done);
    if (done >= this.total) return '';
    const elapsed = (performance.now() - this.started) / 1000;
    const rate = (done - (this.first ?? done)) / elapsed;
    return `; ${formatDuration(elapsed)} elapsed, ETA ${rate > 0 ? formatDuration((this.total - done) / rate) : '?'}`;
  }
}

export function progressBundle(label: string, done: number, total: number, info: string, eta = ''): MimeBundle {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const percent = Math.round(fraction * 100);
  const text = `${label}: ${done}/${total} (${percent}%)${info ? `, ${info}` : ''}${eta}`;
  const html =
    `<div class="dmsim-progress"><progress value="${done}" max="${total}" style="width: 16em"></progress> ` +
    `<span>${escapeHTML(text)}</span></div>`;
  return { 'text/plain': text, 'text/html': html };
}

export function createDisplayProgress(host: DisplayHost): ProgressFactory {
  return (label, total) => {
    const sink = host.currentSink;
    const id = host.newDisplayId();
    let last = { done: 0, info: '' };
    let sentAt = 0;
    const eta = new Eta(total);
    // The display appears before the first update (which brings the cache hits): no estimate yet.
    const send = (update: boolean) => {
      sentAt = Date.now();
      sink?.displayData(progressBundle(label, last.done, total, last.info, update ? eta.text(last.done) : ''), PROGRESS_METADATA, id, update);
    };
    send(false);
    return {
      update(done, info = '') {
        last = { done, info };
        // Every update counts for the rate (the first one fixes where the work started).
        eta.observe(done);
        if (Date.now() - sentAt >= MIN_INTERVAL_MS) send(true);
      },
      stop() {
        send(true);
      },
    };
  };
}
