// Seeds of the runs of a sweep. Each run's seed is a hash of (base seed, the point's full
// parameters, replicate), so a point keeps its seed when other points are added to or removed
// from the grid, and the runner is not part of it: two models run on the same point see the
// same random numbers (common random numbers make their comparison sharper).
import { createHash } from 'node:crypto';
import { canonicalJSON, type Params } from './grid.js';

/** A 32-bit unsigned integer seed, deterministic in its three inputs. */
export function deriveSeed(baseSeed: number, params: Params, replicate: number): number {
  if (!Number.isFinite(baseSeed)) throw new TypeError(`sweep seed must be a finite number, got ${baseSeed}`);
  const text = canonicalJSON(['dmsim-sweep-seed', baseSeed, params, replicate]);
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}
