// HTML from a notebook made safe to publish. Report pages are public: a notebook's markdown,
// and the text/html and text/markdown outputs its cells produce, may hold anything (a trace's
// process name, a scenario description, text pasted from elsewhere). They keep what a
// document needs — text structure, tables, links, images — through an allow-list
// (sanitize-html, which parses with htmlparser2 and needs no DOM); everything else goes:
// <script>, <style>, <iframe>, forms, every on* handler, style attributes, and URLs other
// than http(s)/mailto links and data: images. The page's Content-Security-Policy
// (html-page.ts) is the second wall, should this one ever let something through.
import sanitizeHtml from 'sanitize-html';

const ALLOWED_TAGS = [
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'kbd', 'samp', 'var',
  'em', 'strong', 'b', 'i', 'u', 's', 'del', 'ins', 'mark', 'small', 'sub', 'sup', 'abbr', 'cite', 'q', 'span', 'div',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a', 'img', 'figure', 'figcaption', 'details', 'summary',
  'table', 'caption', 'colgroup', 'col', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td',
  // GFM task lists render as disabled checkboxes.
  'input',
];

/** Data images only: an image by URL would be an external load (and the CSP refuses it anyway). */
const DATA_IMAGE = /^data:image\/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*$/;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    '*': ['class', 'title', 'lang', 'dir'],
    a: ['href', 'name'],
    img: ['src', 'alt', 'width', 'height'],
    ol: ['start', 'type'],
    th: ['align', 'colspan', 'rowspan', 'scope'],
    td: ['align', 'colspan', 'rowspan'],
    col: ['span'],
    details: ['open'],
    input: ['type', 'checked', 'disabled'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['data'] },
  allowProtocolRelative: false,
  // Gone with their contents: what is inside a script or style is not text for the reader.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'template', 'title'],
  disallowedTagsMode: 'discard',
  transformTags: {
    img: (tagName, attribs) => {
      const { src, ...rest } = attribs;
      return { tagName, attribs: src !== undefined && DATA_IMAGE.test(src) ? { ...rest, src } : rest };
    },
    input: (tagName, attribs) =>
      attribs.type === 'checkbox'
        ? { tagName, attribs: { type: 'checkbox', disabled: '', ...('checked' in attribs ? { checked: '' } : {}) } }
        : { tagName: 'span', attribs: {} },
    // A link leaves the report in a new context: it may not reach back (window.opener).
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }),
  },
  allowedClasses: undefined,
};
// `rel` is set by the transform above, so it must be allowed on the way out.
(OPTIONS.allowedAttributes as Record<string, string[]>).a!.push('rel');

/** `html` with only allow-listed elements, attributes and URL schemes left. */
export function sanitizeHTML(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}
