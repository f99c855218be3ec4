// How a value is shown: the rich-display protocol of the whole project, in one place.
//   1. a value with `_repr_mimebundle_()` (sync or async) shows as the bundle it returns;
//   2. an arquero table shows as an HTML table plus text;
//   3. anything else shows as text, the way Node's REPL prints it (util.inspect).
// Both the kernel and the in-process notebook runner go through here, so a notebook looks the
// same in JupyterLab, in nbconvert and in `make report`.
import { inspect } from 'node:util';
import { isTable, tableToCSV, tableToHTML, tableToText } from './table.js';

/** A Jupyter MIME bundle: MIME type -> data (a string, or a JSON object for JSON types). */
export type MimeBundle = Record<string, unknown>;

interface RichDisplay {
  _repr_mimebundle_(): MimeBundle | Promise<MimeBundle>;
}

function hasMimeBundle(value: unknown): value is RichDisplay {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as Partial<RichDisplay>)._repr_mimebundle_ === 'function'
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** JSON MIME types (`application/json`, `application/vnd.vegalite.v5+json`, ...) carry objects. */
export function isJSONMime(mime: string): boolean {
  return /^application\/(.+\+)?json$/.test(mime);
}

/** Text for a value: a string is its text; anything else as Node's REPL prints it. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : reprOf(value);
}

/** The REPL form (strings quoted), which a cell's last expression shows, as IPython shows repr(). */
export function reprOf(value: unknown): string {
  return inspect(value, { depth: 4, colors: false, maxArrayLength: 100 });
}

/**
 * Makes a bundle Jupyter-shaped: a JSON type sent as a string is parsed (JupyterLab takes a
 * string Vega-Lite spec for a URL), and every bundle has `text/plain`.
 */
function normalise(bundle: MimeBundle, value: unknown): MimeBundle {
  const out: MimeBundle = {};
  for (const [mime, data] of Object.entries(bundle)) {
    if (data === undefined) continue;
    out[mime] = isJSONMime(mime) && typeof data === 'string' ? JSON.parse(data) : data;
  }
  if (typeof out['text/plain'] !== 'string') {
    out['text/plain'] = hasMimeBundle(value) ? `<${value.constructor?.name ?? 'object'}>` : reprOf(value);
  }
  return out;
}

/**
 * The bundle for `value`. It is returned synchronously when the value can be shown without
 * waiting (tables, text, sync `_repr_mimebundle_`), so output order follows the code's order.
 */
export function mimeBundleOf(value: unknown): MimeBundle | Promise<MimeBundle> {
  if (hasMimeBundle(value)) {
    const bundle = value._repr_mimebundle_();
    return isThenable(bundle) ? Promise.resolve(bundle).then((b) => normalise(b, value)) : normalise(bundle, value);
  }
  if (isTable(value)) {
    const csv = tableToCSV(value);
    return { 'text/html': tableToHTML(value), 'text/plain': tableToText(value), ...(csv === undefined ? {} : { 'text/csv': csv }) };
  }
  return { 'text/plain': reprOf(value) };
}
