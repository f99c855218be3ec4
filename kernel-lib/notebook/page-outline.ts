// The parts of a report page that make it read like a report rather than a notebook dump:
// anchors on every heading and the table of contents built from them, figures numbered with
// captions, and `@fig-NAME` cross-references from prose to those figures (Quarto's
// conventions, docs/notebooks.md). Everything here works on HTML that has already been
// sanitised: the ids and links it adds are the page's own, not the notebook's.
import { VEGALITE_MIME } from '../analysis/chart.js';
import { escapeHTML } from './html-escape.js';
import { hasTag, joinSource, type Cell, type Output } from './nbformat.js';

export interface Heading {
  level: number;
  id: string;
  /** The heading's text (markup removed), as the contents list shows it. */
  text: string;
}

export interface Figure {
  /** The anchor and the name prose refers to: `fig-...`. */
  label: string;
  number: number;
  /** Caption as plain text ('' when the cell and the chart give none). */
  caption: string;
}

/** Quarto-style cell options at the top of a code cell: `//| label: fig-x`, `//| fig-cap: ...`. */
const CELL_OPTION = /^\/\/\|\s*([\w-]+)\s*:\s*(.*)$/;

export function cellOptions(source: string): { options: { name: string; value: string }[]; code: string } {
  const lines = source.split('\n');
  const options: { name: string; value: string }[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const m = CELL_OPTION.exec(lines[i]!.trim());
    if (!m) break;
    options.push({ name: m[1]!, value: m[2]!.trim().replace(/^(['"])(.*)\1$/, '$2') });
  }
  return { options, code: lines.slice(i).join('\n') };
}

export function isFigure(output: Output): boolean {
  return (
    (output.output_type === 'display_data' || output.output_type === 'execute_result') &&
    (output.data['image/svg+xml'] !== undefined || output.data['image/png'] !== undefined)
  );
}

function specText(spec: unknown, key: 'title' | 'description'): string {
  const value = (spec as Record<string, unknown> | undefined)?.[key];
  if (typeof value === 'string') return value;
  if (key === 'title' && value && typeof value === 'object') {
    const t = (value as { text?: unknown }).text;
    return Array.isArray(t) ? t.join(' ') : typeof t === 'string' ? t : '';
  }
  return '';
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'section';

/**
 * The figures of a notebook, numbered in page order. A code cell names its figures with a tag
 * `fig-NAME` or a `//| label: fig-NAME` line (a second figure of the same cell is NAME-2, ...)
 * and captions them with `//| fig-cap: ...` lines (one per figure, in order) or the cell
 * metadata `caption`; otherwise a chart's caption is its Vega-Lite `description`, else its title.
 */
export function numberFigures(cells: readonly Cell[]): Map<Output, Figure> {
  const figures = new Map<Output, Figure>();
  const used = new Set<string>();
  let number = 0;
  for (const cell of cells) {
    if (cell.cell_type !== 'code') continue;
    const { options } = cellOptions(joinSource(cell.source));
    const label = options.find((o) => o.name === 'label' && o.value.startsWith('fig-'))?.value ?? cell.metadata.tags?.find((t) => t.startsWith('fig-'));
    const captions = options.filter((o) => o.name === 'fig-cap').map((o) => o.value);
    if (captions.length === 0 && typeof cell.metadata.caption === 'string') captions.push(cell.metadata.caption);
    let inCell = 0;
    for (const output of cell.outputs ?? []) {
      if (!isFigure(output)) continue;
      number++;
      inCell++;
      const data = (output as { data: Record<string, unknown> }).data;
      const spec = data[VEGALITE_MIME];
      let name = label ? (inCell === 1 ? label : `${label}-${inCell}`) : `fig-${number}`;
      while (used.has(name)) name = `${name}-${number}`;
      used.add(name);
      const caption = captions[inCell - 1] ?? (specText(spec, 'description') || specText(spec, 'title'));
      figures.set(output, { label: name, number, caption });
    }
  }
  return figures;
}

/** Gives ids to headings (and a link to themselves), collecting them for the contents. */
export class HeadingAnchors {
  readonly headings: Heading[] = [];
  private readonly used = new Set<string>(['contents', 'provenance', 'finding', 'question']);

  reserve(id: string): void {
    this.used.add(id);
  }

  id(text: string): string {
    const base = slug(text);
    let id = base;
    for (let n = 2; this.used.has(id) || id.startsWith('fig-') || id.startsWith('cell-'); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }

  /** `html` (sanitised, so its headings carry no id) with an id and a self-link on each heading. */
  anchor(html: string): string {
    return html.replace(/<h([1-6])>([\s\S]*?)<\/h\1>/g, (_, level: string, inner: string) => {
      const text = inner.replace(/<[^>]*>/g, '').replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c))).replace(/&amp;/g, '&').trim();
      const id = this.id(text);
      this.headings.push({ level: Number(level), id, text });
      return `<h${level} id="${id}">${inner}<a class="anchor" href="#${id}" aria-label="link to this section">#</a></h${level}>`;
    });
  }

  /** The contents: every heading of level 2 and 3, linked. */
  toc(): string {
    const items = this.headings
      .filter((h) => h.level === 2 || h.level === 3)
      .map((h) => `<li class="toc-${h.level}"><a href="#${h.id}">${escapeHTML(h.text)}</a></li>`);
    return items.length ? `<nav class="toc" id="contents" aria-label="Contents"><h2>Contents</h2>\n<ol>\n${items.join('\n')}\n</ol></nav>` : '';
  }
}

/**
 * `@fig-NAME` in prose becomes a link "Figure N" to that figure; an unknown name stays visible
 * as `?@fig-NAME` (Quarto's way), so a broken reference shows on the page. Text inside code
 * and inside tags is left alone.
 */
export function crossReference(html: string, byLabel: ReadonlyMap<string, Figure>, unknown: (label: string) => void = () => {}): string {
  let inCode = 0;
  return html.replace(/(<[^>]*>)|([^<]+)/g, (_, tag: string | undefined, text: string | undefined) => {
    if (tag) {
      if (/^<(code|pre)\b/i.test(tag)) inCode++;
      else if (/^<\/(code|pre)>/i.test(tag)) inCode = Math.max(0, inCode - 1);
      return tag;
    }
    if (inCode) return text!;
    return text!.replace(/(^|[^\w@])@(fig-[A-Za-z0-9_-]*[A-Za-z0-9])/g, (_m, before: string, label: string) => {
      const figure = byLabel.get(label);
      if (!figure) {
        unknown(label);
        return `${before}<span class="xref-missing">?@${label}</span>`;
      }
      return `${before}<a class="xref" href="#${label}">Figure ${figure.number}</a>`;
    });
  });
}

/** A question the notebook states: the cell tagged `question`, else the title cell's first paragraph. */
export function questionCell(cells: readonly Cell[]): { cell: Cell; paragraph: string; fromTitle: boolean } | undefined {
  const tagged = cells.find((c) => c.cell_type === 'markdown' && hasTag(c, 'question'));
  if (tagged) return { cell: tagged, paragraph: joinSource(tagged.source).replace(/^#.*$/gm, '').trim(), fromTitle: false };
  const title = cells.find((c) => c.cell_type === 'markdown' && /^#\s+/m.test(joinSource(c.source)));
  if (!title) return undefined;
  const paragraphs = joinSource(title.source).split(/\n\s*\n/).map((p) => p.trim());
  const paragraph = paragraphs.find((p) => p && !p.startsWith('#'));
  return paragraph ? { cell: title, paragraph, fromTitle: true } : undefined;
}
