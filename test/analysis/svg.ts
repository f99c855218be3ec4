// Reading rendered charts in tests: vega labels every drawn item with its mark kind
// (aria-roledescription="symbol mark"), which is what a reader would actually see.

/**
 * How many items of a mark kind the SVG draws: 'line', 'rule', 'rect', 'text' are labelled
 * "<kind> mark"; vega-lite relabels its own marks, e.g. 'point' and 'bar'.
 */
export function drawn(svg: string, kind: string): number {
  return (svg.match(new RegExp(`aria-roledescription="${kind}( mark)?"`, 'g')) ?? []).length;
}

/** The text of every axis title in the SVG. */
export function axisTitles(svg: string): string[] {
  const titles: string[] = [];
  const re = /class="mark-text role-axis-title"[^>]*>(.*?)<\/g>/gs;
  for (const match of svg.matchAll(re)) {
    for (const text of match[1]!.matchAll(/<text[^>]*>([^<]*)<\/text>/g)) titles.push(text[1]!);
  }
  return titles;
}

/** The tick labels of the n-th axis drawn in the SVG (in drawing order), as shown. */
export function axisLabels(svg: string, n: number): string[] {
  const groups = [...svg.matchAll(/class="mark-text role-axis-label"[^>]*>(.*?)<\/g>/gs)];
  return [...(groups[n]?.[1] ?? '').matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}
