// The table of a sharded sweep, built from the cache alone (the same sweep() call with
// `cacheOnly`, so it is the one-machine table byte for byte), and the account of what is not
// there: shards that never started, never finished (killed, node lost), refused or had failed
// runs, the points they left out, and points whose result differs between two hosts.
import { createHash } from 'node:crypto';
import { canonicalJSON, expandGrid, splitLabels, type Params } from './grid.js';
import { allMarkers, currentMarkers, jobDir, readPlan, type Marker, type Plan } from './shard.js';
import { SweepCache, sweepCacheDir } from './sweep-cache.js';
import { selectMetrics, type SweepSpec } from './sweep-spec.js';
import { sweep, type SweepTable } from './sweep.js';

export interface MergeResult {
  /** The table when every run is in the cache and no point is nondeterministic. */
  table?: SweepTable;
  runs: number;
  present: number;
  /** What is missing or wrong, one line each (shards first, then points). */
  problems: string[];
  /** What the one-machine sweep would print as warnings (identical replicates...): the same table, the same caveats. */
  warnings: string[];
}

const MAX_LISTED = 10;

/** One line per shard of the current plan: its state as its marker tells it. */
export function describeShard(shard: number, plan: Plan, marker: Marker | undefined): string {
  const name = `shard ${shard}/${plan.shards}`;
  if (marker === undefined) return `${name}: not started (no marker for this plan)`;
  const where = `on ${marker.host} (pid ${marker.pid}, Node ${marker.node})`;
  if (marker.status === 'refused') return `${name}: refused ${where}: ${marker.reason}`;
  if (marker.status === 'running') return `${name}: started ${where} at ${marker.started}, ${marker.done}/${marker.runs} runs done, not finished (still running, or killed)`;
  const failed = marker.failed > 0 ? `, ${marker.failed} failed` : '';
  return `${name}: done ${where}: ${marker.runs} runs, ${marker.cached} cached${failed}, ${((marker.wallMs ?? 0) / 1000).toFixed(1)} s`;
}

/** A shard that needs running (again): no marker, not finished, refused, or with failed runs. */
export function shardUnfinished(marker: Marker | undefined): boolean {
  return marker === undefined || marker.status !== 'done' || marker.failed > 0;
}

/** Builds the table from the cache and says what keeps it from being complete. */
export async function mergeSweep(spec: SweepSpec): Promise<MergeResult> {
  const t = await sweep({ ...spec.options, cacheOnly: true, quiet: true, workers: 1 });
  const missing = t.info.missing ?? [];
  const dir = jobDir(spec);
  const plan = readPlan(dir);
  const problems: string[] = [];

  if (missing.length > 0) {
    const points = expandGrid(spec.options.grid ?? {});
    const shardOf = (params: Params) => {
      const i = points.findIndex((p) => Object.entries(splitLabels(p).params).every(([k, v]) => canonicalJSON(params[k]) === canonicalJSON(v)));
      return plan && i >= 0 ? i % plan.shards : undefined;
    };
    if (plan === undefined) {
      problems.push(`no plan in ${dir}: the sweep was never sharded from this folder`);
    } else {
      const markers = currentMarkers(dir, plan);
      const short = new Set(missing.map((m) => shardOf(m.params)));
      for (let i = 0; i < plan.shards; i++) {
        if (short.has(i) || shardUnfinished(markers[i])) {
          const m = markers[i];
          const lost = m?.status === 'done' && !shardUnfinished(m) ? ': but its runs are not all in this cache (is the cache folder shared with that host?)' : '';
          problems.push(describeShard(i, plan, m) + lost);
          for (const f of (m?.failures ?? []).slice(0, MAX_LISTED)) {
            problems.push(`  failed: ${canonicalJSON(f.params)} replicate ${f.replicate} (seed ${f.seed}): ${f.error}`);
          }
        }
      }
    }
    for (const m of missing.slice(0, MAX_LISTED)) {
      const s = shardOf(m.params);
      problems.push(`missing: ${canonicalJSON(m.params)} replicate ${m.replicate} (seed ${m.seed})${s === undefined ? '' : ` of shard ${s}/${plan!.shards}`}`);
    }
    if (missing.length > MAX_LISTED) problems.push(`missing: ... and ${missing.length - MAX_LISTED} more runs`);
  }
  const differing = nondeterminism(spec, dir);
  problems.push(...differing.slice(0, MAX_LISTED));
  if (differing.length > MAX_LISTED) problems.push(`nondeterminism: ... and ${differing.length - MAX_LISTED} more runs`);

  const runs = t.info.runs;
  const result: MergeResult = { runs, present: runs - missing.length, problems, warnings: t.info.warnings };
  if (problems.length === 0) result.table = selectMetrics(spec, t);
  return result;
}

/**
 * Runs computed more than once (on two hosts, or twice on one) whose results differ, judged
 * from every marker ever written for the sweep and from the cache entry now kept. A simulation
 * is deterministic in its seed, so a difference is a bug (or different code under the same
 * model version): the table would silently hold whichever result was written last.
 */
function nondeterminism(spec: SweepSpec, dir: string): string[] {
  const seen = new Map<string, { params: Params; replicate: number; by: Map<string, string[]> }>();
  for (const m of allMarkers(dir)) {
    for (const c of m.computed ?? []) {
      const entry = seen.get(c.key) ?? { params: c.params, replicate: c.replicate, by: new Map() };
      seen.set(c.key, entry);
      const who = `${m.host} (shard ${m.shard}/${m.shards}, ${m.started})`;
      entry.by.set(c.digest, [...(entry.by.get(c.digest) ?? []), who]);
    }
  }
  const cache = new SweepCache(sweepCacheDir(spec.options.cacheDir), () => {});
  const out: string[] = [];
  for (const [key, entry] of seen) {
    const kept = cache.get(key);
    if (kept !== undefined) {
      const d = createHash('sha256').update(canonicalJSON(kept)).digest('hex').slice(0, 16);
      if (!entry.by.has(d)) entry.by.set(d, ['the cache entry kept now']);
    }
    if (entry.by.size < 2) continue;
    const versions = [...entry.by.values()].map((who) => who.join(' and ')).join(' vs ');
    out.push(`nondeterminism: ${canonicalJSON(entry.params)} replicate ${entry.replicate} gave different results on ${versions}`);
  }
  return out;
}
