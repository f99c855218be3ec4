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


export function progressBundle(label: string, done: number, total: number, info: string): MimeBundle {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const percent = Math.round(fraction * 100);
  const text = `${label}: ${done}/${total} (${percent}%)${info ? `, ${info}` : ''}`;
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
    const send = (update: boolean) => {
      sentAt = Date.now();
      sink?.displayData(progressBundle(label, last.done, total, last.info), PROGRESS_METADATA, id, update);
    };
    send(false);
    return {
      update(done, info = '') {
        last = { done, info };
        if (Date.now() - sentAt >= MIN_INTERVAL_MS) send(true);
      },
      stop() {
        send(true);
      },
    };
  };
}
