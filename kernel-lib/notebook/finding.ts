// A study's one-line finding, shown under its title in reports/index.html. Convention
// (docs/notebooks.md): the first cell tagged `finding` — a markdown cell's first paragraph, or
// a code cell's first text output — else the notebook metadata `dmsim.finding` (a string).
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

/** The finding as markdown text (inline), or '' when the notebook states none. */
export function findingOf(notebook: Notebook): string {
  for (const cell of notebook.cells) {
    if (!hasTag(cell, 'finding')) continue;
    if (cell.cell_type === 'markdown') return firstParagraph(joinSource(cell.source));
    for (const output of cell.outputs ?? []) {
      if (output.output_type === 'stream' && output.name === 'stdout') return text(output.text).trim().split('\n')[0]!;
      if (output.output_type === 'display_data' || output.output_type === 'execute_result') {
        const md = text(output.data['text/markdown']);
        if (md) return firstParagraph(md);
        // A string as last expression shows quoted ('...'): the finding is the string.
        const plain = text(output.data['text/plain']).trim();
        return plain.replace(/^(['"`])([\s\S]*)\1$/, '$2').split('\n')[0]!;
      }
    }
  }
  const meta = (notebook.metadata.dmsim as { finding?: unknown } | undefined)?.finding;
  return typeof meta === 'string' ? meta.trim() : '';
}
