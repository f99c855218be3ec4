// A cell's outputs as Jupyter stores them, built from what the executor sends: what a
// notebook client (nbclient, JupyterLab) does with iopub messages, without the messages.
//   - consecutive stream chunks of the same stream become one output;
//   - update_display_data replaces every earlier output with that display id;
//   - clear_output(wait) clears now, or when the next output arrives.
import type { OutputSink } from './output-sink.js';
import type { MimeBundle } from './mime-bundle.js';
import type { Output } from './nbformat.js';
import type { CellError } from './traceback.js';

type DisplayOutput = Extract<Output, { output_type: 'display_data' }>;

export class CellOutputs implements OutputSink {
  readonly outputs: Output[] = [];
  private readonly byDisplayId = new Map<string, DisplayOutput[]>();
  private clearPending = false;

  /** `watch` sees every display and display update as it arrives (the runner's live progress line). */
  constructor(private readonly watch?: (data: MimeBundle, metadata: Record<string, unknown>, update: boolean) => void) {}

  stream(name: 'stdout' | 'stderr', text: string): void {
    this.beforeOutput();
    const last = this.outputs[this.outputs.length - 1];
    if (last?.output_type === 'stream' && last.name === name) last.text = String(last.text) + text;
    else this.outputs.push({ output_type: 'stream', name, text });
  }

  displayData(data: MimeBundle, metadata: Record<string, unknown>, displayId?: string, update = false): void {
    this.watch?.(data, metadata, update);
    if (update) {
      for (const output of displayId ? (this.byDisplayId.get(displayId) ?? []) : []) {
        output.data = data;
        output.metadata = metadata;
      }
      return;
    }
    this.beforeOutput();
    const output: DisplayOutput = { output_type: 'display_data', data, metadata };
    this.outputs.push(output);
    if (displayId) this.byDisplayId.set(displayId, [...(this.byDisplayId.get(displayId) ?? []), output]);
  }

  clearOutput(wait: boolean): void {
    if (wait) this.clearPending = true;
    else this.clear();
  }

  executeResult(executionCount: number, data: MimeBundle): void {
    this.beforeOutput();
    this.outputs.push({ output_type: 'execute_result', execution_count: executionCount, data, metadata: {} });
  }

  error(error: CellError): void {
    this.beforeOutput();
    this.outputs.push({ output_type: 'error', ename: error.ename, evalue: error.evalue, traceback: error.traceback });
  }

  /** Removes outputs whose metadata matches (the runner drops progress bars from pages). */
  drop(predicate: (metadata: Record<string, unknown>) => boolean): void {
    const kept = this.outputs.filter((o) => !('metadata' in o && predicate(o.metadata)));
    this.outputs.splice(0, this.outputs.length, ...kept);
  }

  private beforeOutput(): void {
    if (this.clearPending) this.clear();
  }

  private clear(): void {
    this.clearPending = false;
    this.outputs.length = 0;
    this.byDisplayId.clear();
  }
}
