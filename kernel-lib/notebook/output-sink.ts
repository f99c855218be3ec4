// Where a cell's outputs go: the notebook runner's list of outputs, or the kernel's iopub
// channel. Its own file so that what writes outputs (progress displays) does not depend on the
// executor that runs cells.
import type { MimeBundle } from './mime-bundle.js';

export interface OutputSink {
  stream(name: 'stdout' | 'stderr', text: string): void;
  /** `update` replaces the earlier output that has the same `displayId`. */
  displayData(data: MimeBundle, metadata: Record<string, unknown>, displayId?: string, update?: boolean): void;
  clearOutput(wait: boolean): void;
}
