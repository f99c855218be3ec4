// The points of a sweep. A grid is either a map from parameter name to the values it takes
// (every combination is a point: the first parameter varies slowest, like nested loops written
// in the order the keys are given) or an explicit list of points for designs that are not a
// full cross product.

export type Params = Record<string, unknown>;
export type Grid = Readonly<Record<string, readonly unknown[]>> | readonly Params[];

/**
 * Parameters named `label.NAME` describe a point for its reader (a design's name, the
 * published row it reproduces) and are not given to the runner: they become columns of the
 * sweep's table as they are, so a table needs no parsing back from the overrides. They change
 * neither the run's seed nor its cache entry.
 */
export const LABEL_PREFIX = 'label.';

export function isLabel(name: string): boolean {
  return name.startsWith(LABEL_PREFIX);
}

/** A point split into what the runner gets and its label columns. */
export function splitLabels(point: Params): { params: Params; labels: Params } {
  const params: Params = {};
  const labels: Params = {};
  for (const [name, value] of Object.entries(point)) (isLabel(name) ? labels : params)[name] = value;
  return { params, labels };
}

/** Every point of the grid, in grid order. An empty grid `{}` is one point with no parameters. */
export function expandGrid(grid: Grid): Params[] {
  if (Array.isArray(grid)) {
    return grid.map((point, i) => {
      if (point === null || typeof point !== 'object' || Array.isArray(point)) {
        throw new TypeError(`sweep grid: point ${i} must be an object of parameters, got ${describe(point)}`);
      }
      return { ...point };
    });
  }
  const axes = Object.entries(grid as Record<string, readonly unknown[]>);
  for (const [name, values] of axes) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new TypeError(`sweep grid: parameter '${name}' must be a non-empty array of values, got ${describe(values)}`);
    }
  }
  let points: Params[] = [{}];
  for (const [name, values] of axes) {
    points = points.flatMap((point) => values.map((value) => ({ ...point, [name]: value })));
  }
  return points;
}

/** Parameter names in the order they first appear in the points. */
export function parameterNames(points: readonly Params[]): string[] {
  const names = new Set<string>();
  for (const point of points) for (const name of Object.keys(point)) names.add(name);
  return [...names];
}

/**
 * JSON with object keys sorted at every level, so that two equal parameter sets always give
 * the same text (and therefore the same seed and cache key) whatever order they were built in.
 */
export function canonicalJSON(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === undefined) return null;
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    if (typeof v === 'bigint') return `${v}n`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
