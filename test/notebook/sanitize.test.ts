import { expect } from 'chai';
import { contentSecurityPolicy, renderInlineMarkdown, renderMarkdown } from '../../kernel-lib/notebook/html-page.js';
import { sanitizeHTML } from '../../kernel-lib/notebook/sanitize.js';

describe('notebook/sanitize', () => {
  it('removes scripts, handlers, javascript: URLs, frames, forms and style attributes', () => {
    const out = sanitizeHTML(
      '<script>x()</script><img src=x onerror="x()"><a href="javascript:x()">a</a><a href="JaVaScRiPt&#58;x()">b</a>' +
        '<iframe src="https://example.org/"></iframe><form action="/"><input name="q"></form><p style="color:red" onclick="x()">p</p>' +
        '<svg onload="x()"></svg><style>body{}</style><object data="x"></object>',
    );
    expect(out).not.to.match(/<script|onerror|onclick|onload|javascript|<iframe|<form|<svg|<style|<object|style=/i);
    expect(out).to.include('<p>p</p>');
  });

  it('keeps what a document needs: structure, tables, http(s) and mailto links, data images', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const html = `<h2>T</h2><table class="dmsim-table"><tr><th align="right">a</th></tr><tr><td class="num">1</td></tr></table><a href="https://example.org/x">l</a><img alt="f" src="${png}"><ul><li><code>c</code></li></ul>`;
    const out = sanitizeHTML(html);
    for (const part of ['<h2>T</h2>', '<th align="right">a</th>', '<td class="num">1</td>', 'href="https://example.org/x"', `src="${png}"`, '<li><code>c</code></li>']) {
      expect(out).to.include(part);
    }
    // An image by URL would be an external load: its src goes.
    expect(sanitizeHTML('<img src="https://example.org/t.png" alt="t">')).to.equal('<img alt="t" />');
  });

  it('applies to rendered markdown, block and inline', () => {
    expect(renderMarkdown('**b** <script>x()</script> [l](javascript:x())')).not.to.match(/script|javascript/);
    expect(renderInlineMarkdown('<img src=x onerror=x()> *e*')).to.equal('<img /> <em>e</em>');
  });

  it('gives a policy with no script, no external load, and inline styles only by hash', () => {
    const csp = contentSecurityPolicy('body{}');
    expect(csp).to.include("default-src 'none'").and.include("script-src 'none'").and.include('img-src data:');
    expect(csp).to.match(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(contentSecurityPolicy('body{}', ['draw()'])).to.match(/script-src 'sha256-[A-Za-z0-9+/=]+'$|script-src 'sha256-[^']+';/);
  });
});
