// A study's one-line finding, shown under its title in reports/index.html. Convention
// (docs/notebooks.md): the first cell tagged `finding` — a markdown cell's first paragraph, or
// a code cell's first text output — else the notebook metadata `dmsim.finding` (a string).
// What an author wrote (markdown, metadata, a text/markdown output) is markdown; what a cell
// printed or returned is computed text (a scenario description, a trace's process name) and
// is shown as text, never interpreted as markup.
import { hasTag, joinSource, type Notebook } from './nbformat.js';

function firstParagraph(markdown: string): string {
  return (
    markdown
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .find((p) => p && !p.startsWith('#')) ?? ''
  ).replace(/\s*\n\s*/g, ' ');
}

function text(value: unknown): string {
  return Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : '';
}

export interface Finding {
  text: string;
  /** 'markdown': inline markdown (to be sanitised); 'text': plain text (to be escaped). */
  format: 'markdown' | 'text';
}

/** The finding, or text '' when the notebook states none. */
export function findingOf(notebook: Notebook): Finding {
  const markdown = (text: string): Finding => ({ text, format: 'markdown' });
  const plain = (text: string): Finding => ({ text, format: 'text' });
  for (const cell of notebook.cells) {
    if (!hasTag(cell, 'finding')) continue;
    if (cell.cell_type === 'markdown') return markdown(firstParagraph(joinSource(cell.source)));
    for (const output of cell.outputs ?? []) {
      if (output.output_type === 'stream' && output.name === 'stdout') return plain(text(output.text).trim().split('\n')[0]!);
      if (output.output_type === 'display_data' || output.output_type === 'execute_result') {
        const md = text(output.data['text/markdown']);
        if (md) return markdown(firstParagraph(md));
        // A string as last expression shows quoted ('...'): the finding is the string.
        const shown = text(output.data['text/plain']).trim();
        return plain(shown.replace(/^(['"`])([\s\S]*)\1$/, '$2').split('\n')[0]!);
      }
    }
  }
  const meta = (notebook.metadata.dmsim as { finding?: unknown } | undefined)?.finding;
  return markdown(typeof meta === 'string' ? meta.trim() : '');
}
