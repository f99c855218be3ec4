// Runs in the reader's browser, on a report page, after vega and vega-lite (both inlined in the
// page, so nothing is fetched): draws every chart of the page from its Vega-Lite spec, to the
// width of the page, with tooltips, and arms its "save as SVG / PNG" buttons. The static SVG
// drawn in Node stays in the page for print and for readers without scripts; it is hidden on
// screen once the live chart has drawn. Plain ES2017, no module system: this file is inlined
// into the page as it is and allowed by the page's Content-Security-Policy by hash.
(function () {
  'use strict';
  var vega = window.vega;
  var vegaLite = window.vegaLite;
  if (!vega || !vegaLite) return;

  // Below this width a chart is laid out for a phone: legend under the plot, title wrapped.
  var NARROW = 560;
  var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

  function config(narrow) {
    return {
      font: FONT,
      // No text under 11 px; legend labels are never cut ("…"), whatever their length.
      axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0 },
      legend: {
        labelFontSize: 11,
        titleFontSize: 12,
        labelLimit: 0,
        titleLimit: 0,
        // On a phone the legend goes under the plot, one entry per line, so that long labels
        // fit the width instead of running off the side.
        orient: narrow ? 'bottom' : 'right',
        direction: 'vertical',
      },
      header: { labelFontSize: 11, titleFontSize: 12 },
      title: { fontSize: narrow ? 13 : 14, subtitleFontSize: 11, anchor: 'start' },
      mark: { tooltip: { content: 'data' } },
    };
  }

  /** Splits a title into lines of about `chars` characters (vega draws an array as lines). */
  function wrap(text, chars) {
    var words = String(text).split(/\s+/);
    var lines = [];
    var line = '';
    for (var i = 0; i < words.length; i++) {
      if (line && (line + ' ' + words[i]).length > chars) {
        lines.push(line);
        line = words[i];
      } else line = line ? line + ' ' + words[i] : words[i];
    }
    if (line) lines.push(line);
    return lines;
  }

  /** Removes zoom (selections bound to the scales) from a spec and its layers, in place. */
  function dropZoom(s) {
    if (Array.isArray(s.params)) {
      s.params = s.params.filter(function (p) {
        return p.bind !== 'scales';
      });
      if (s.params.length === 0) delete s.params;
    }
    if (Array.isArray(s.layer)) s.layer.forEach(dropZoom);
  }

  /**
   * The spec adapted to `width` px: single views fill the width; on phones long titles wrap and
   * charts do not zoom (a finger dragging over a chart must scroll the page, not pan the chart).
   */
  function adapt(spec, width, narrow) {
    var s = JSON.parse(JSON.stringify(spec));
    if (narrow) dropZoom(s);
    var single = !s.facet && !s.repeat && !s.concat && !s.hconcat && !s.vconcat;
    if (single) {
      s.width = 'container';
      s.autosize = { type: 'fit-x', contains: 'padding' };
    }
    if (narrow && s.title) {
      var chars = Math.max(20, Math.floor(width / 7.5));
      if (typeof s.title === 'string') s.title = wrap(s.title, chars);
      else if (typeof s.title.text === 'string') s.title.text = wrap(s.title.text, chars);
    }
    return s;
  }

  function draw(figure) {
    var holder = figure.querySelector('.vega-chart');
    // The holder is hidden until the figure is interactive, and a hidden element measures 0 px
    // wide (vega's containerSize() too): show it first, or the chart is laid out at width 0,
    // its SVG box empty, and no pointer event (tooltip, zoom) ever reaches it. A failed draw
    // removes the class again, which brings the static figure back.
    figure.classList.add('interactive');
    var width = holder.clientWidth;
    var narrow = width < NARROW;
    if (figure.__dmsim && figure.__dmsim.narrow === narrow) return Promise.resolve();
    if (figure.__dmsim) figure.__dmsim.view.finalize();
    var spec = JSON.parse(holder.getAttribute('data-spec'));
    var compiled = vegaLite.compile(adapt(spec, width, narrow), { config: config(narrow) }).spec;
    var view = new vega.View(vega.parse(compiled), { renderer: 'svg', container: holder, hover: true });
    figure.__dmsim = { view: view, narrow: narrow };
    return view.runAsync().then(function () {
      figure.classList.add('interactive');
    });
  }

  function save(figure, format) {
    var state = figure.__dmsim;
    if (!state) return;
    state.view.toImageURL(format, format === 'png' ? 2 : 1).then(function (url) {
      var link = document.createElement('a');
      link.href = url;
      link.download = (figure.id || 'figure') + '.' + format;
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  var figures = document.querySelectorAll('figure.chart');
  var all = [];
  for (var i = 0; i < figures.length; i++) {
    (function (figure) {
      var buttons = figure.querySelectorAll('button[data-save]');
      for (var j = 0; j < buttons.length; j++) {
        buttons[j].hidden = false;
        buttons[j].addEventListener('click', function (event) {
          save(figure, event.currentTarget.getAttribute('data-save'));
        });
      }
      all.push(
        draw(figure).catch(function (error) {
          // The static figure stays; say why the live one is missing.
          figure.classList.remove('interactive');
          console.warn('dmsim: chart ' + figure.id + ' not drawn: ' + error);
        }),
      );
    })(figures[i]);
  }
  // Crossing the phone width re-lays the charts out; within a layout vega follows the width.
  var pending;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      for (var k = 0; k < figures.length; k++) draw(figures[k]);
    }, 150);
  });
  Promise.all(all).then(function () {
    document.documentElement.setAttribute('data-charts', 'drawn');
  });
})();
