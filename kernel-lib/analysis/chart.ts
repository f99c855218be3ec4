// A chart is a Vega-Lite v5 spec plus the means to draw it without a browser.
// It follows the rich-display protocol every dmsim value may implement: a method
// `_repr_mimebundle_()` returning one MIME bundle (the notebook layer sends it as is).
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

export type VegaLiteSpec = vegaLite.TopLevelSpec;

export const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';
export const VEGALITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/**
 * What every chart carries in its spec (the static SVG, JupyterLab and the live page alike):
 * legend and axis labels are never cut short with "…", however long. A spec's own config wins.
 */
export const CHART_CONFIG = { legend: { labelLimit: 0, titleLimit: 0 }, axis: { labelLimit: 0 } } as const;

export class Chart {
  readonly spec: VegaLiteSpec;

  constructor(spec: VegaLiteSpec) {
    const own = (spec.config ?? {}) as Record<string, Record<string, unknown> | undefined>;
    this.spec = {
      ...spec,
      config: { ...own, legend: { ...CHART_CONFIG.legend, ...own.legend }, axis: { ...CHART_CONFIG.axis, ...own.axis } },
    } as VegaLiteSpec;
  }

  /**
   * A chart from a spec built as plain JSON. The chart helpers assemble specs piece by piece,
   * which vega-lite's deeply nested types cannot follow; compiling (toSVG, the tests) checks them.
   */
  static fromJSON(spec: object): Chart {
    return new Chart({ $schema: VEGALITE_SCHEMA, ...spec } as VegaLiteSpec);
  }

  /** Draws the chart as SVG in Node (vega's 'none' renderer: no canvas package needed). */
  async toSVG(): Promise<string> {
    // vega tags the data objects it ingests (a symbol id on each row): render a copy, so the
    // spec stays plain JSON and can be rendered again or sent to JupyterLab unchanged.
    const compiled = vegaLite.compile(structuredClone(this.spec)).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  }

  /** The spec, so `JSON.stringify(chart)` writes a file the Vega editor opens. */
  toJSON(): VegaLiteSpec {
    return this.spec;
  }

  /** One bundle: the spec as a JSON object for JupyterLab, SVG for static pages, text. */
  async _repr_mimebundle_(): Promise<Record<string, unknown>> {
    const title = typeof this.spec.title === 'string' ? this.spec.title : 'chart';
    return {
      [VEGALITE_MIME]: this.spec,
      'image/svg+xml': await this.toSVG(),
      'text/plain': `<Chart: ${title}>`,
    };
  }
}
