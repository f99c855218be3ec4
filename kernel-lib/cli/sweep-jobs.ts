// What every way of launching a sharded sweep shares: how many shards, which ones still need
// to run, a status report, and following the shards through their markers until they end.
import { expandGrid } from '../analysis/grid.js';
import { currentMarkers, jobDir, makePlan, readPlan, writePlan, type Marker, type Plan } from '../analysis/shard.js';
import { describeShard, mergeSweep, shardUnfinished } from '../analysis/sweep-merge.js';
import type { SweepSpec } from '../analysis/sweep-spec.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeAtomically } from './output-file.js';

/** Default shard count: enough to spread over a few nodes, never more than the points. */
const DEFAULT_SHARDS = 8;

/** The shard count asked for, else the plan's, else DEFAULT_SHARDS capped at the points. */
export function chooseShards(spec: SweepSpec, asked: number | undefined): number {
  if (asked !== undefined) return asked;
  const plan = readPlan(jobDir(spec));
  if (plan !== undefined) return plan.shards;
  return Math.min(DEFAULT_SHARDS, expandGrid(spec.options.grid ?? {}).length);
}

/** Plans the sweep (keeping an identical plan and its markers) and lists the shards to (re)run. */
export function planForLaunch(spec: SweepSpec, asked: number | undefined): { dir: string; plan: Plan; markers: (Marker | undefined)[]; unfinished: number[] } {
  const dir = jobDir(spec);
  fs.mkdirSync(dir, { recursive: true });
  const plan = writePlan(dir, makePlan(spec, chooseShards(spec, asked)));
  const markers = currentMarkers(dir, plan);
  const unfinished = markers.flatMap((m, i) => (shardUnfinished(m) ? [i] : []));
  return { dir, plan, markers, unfinished };
}

/** `dmsim sweep status`: the plan, one line per shard, and how much of the table the cache holds. */
export async function statusLines(spec: SweepSpec): Promise<string[]> {
  const dir = jobDir(spec);
  const plan = readPlan(dir);
  const lines = [plan ? `${spec.file}: ${plan.runs} runs in ${plan.shards} shards, model version ${plan.modelVersion}, planned ${plan.created} (${dir})` : `${spec.file}: not sharded yet (no plan in ${dir})`];
  if (plan) currentMarkers(dir, plan).forEach((m, i) => lines.push(`  ${describeShard(i, plan, m)}`));
  const merged = await mergeSweep(spec);
  lines.push(`cache: ${merged.present} of ${merged.runs} runs${merged.table ? ' (complete: dmsim sweep merge gives the table)' : ''}`);
  for (const p of merged.problems.filter((x) => x.startsWith('nondeterminism'))) lines.push(p);
  return lines;
}

/** Identity of a marker, to tell a resubmitted shard's new marker from the one it replaces. */
const identity = (m: Marker | undefined) => (m ? `${m.host}/${m.pid}/${m.started}` : '');

/**
 * Follows `shards` through their markers until each has ended (a new marker that is done or
 * refused) or is no longer alive by `alive` (its scheduler no longer knows it: killed, lost).
 * Prints a line whenever a shard's state changes. Returns the shards that were lost.
 */
export async function watchShards(
  spec: SweepSpec,
  plan: Plan,
  shards: readonly number[],
  alive: () => Promise<Set<number>>,
  print: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  intervalMs = 500,
): Promise<number[]> {
  const dir = jobDir(spec);
  const before = currentMarkers(dir, plan).map(identity);
  const shown = new Map<number, string>();
  const ended = new Set<number>();
  const lost: number[] = [];
  while (ended.size < shards.length) {
    const markers = currentMarkers(dir, plan);
    const living = await alive();
    for (const i of shards) {
      if (ended.has(i)) continue;
      const m = markers[i];
      const fresh = m !== undefined && identity(m) !== before[i];
      const line = fresh ? describeShard(i, plan, m) : `shard ${i}/${plan.shards}: queued`;
      if (shown.get(i) !== line) {
        shown.set(i, line);
        print(line);
      }
      if (fresh && m.status !== 'running') ended.add(i);
      else if (!living.has(i)) {
        // Gone from the scheduler: read the marker once more (it is written before the exit).
        const last = currentMarkers(dir, plan)[i];
        if (last && identity(last) !== before[i] && last.status !== 'running') {
          print(describeShard(i, plan, last));
        } else {
          print(`shard ${i}/${plan.shards}: ended without finishing (killed, or its node was lost; see its log)`);
          lost.push(i);
        }
        ended.add(i);
      }
    }
    if (ended.size < shards.length) await new Promise((r) => setTimeout(r, intervalMs));
  }
  return lost;
}

/**
 * The merge every launcher ends with (and `dmsim sweep merge`): the table to `out` (else
 * stdout) and exit status 0, or what is missing on stderr and exit status 1.
 */
export async function mergeToOutput(spec: SweepSpec, out: string | undefined): Promise<number> {
  const merged = await mergeSweep(spec);
  if (merged.table === undefined) {
    process.stderr.write(`dmsim sweep: ${spec.file}: ${merged.present} of ${merged.runs} runs in the cache; the table is not complete:\n  ${merged.problems.join('\n  ')}\n`);
    return 1;
  }
  for (const w of merged.warnings) process.stderr.write(`${w}\n`);
  const csv = merged.table.toCSV() + '\n';
  if (out !== undefined) writeAtomically(out, csv, '--out');
  else process.stdout.write(csv);
  process.stderr.write(`dmsim sweep: merged ${merged.runs} runs of ${spec.file} from the cache${out ? ` -> ${path.relative(process.cwd(), out) || out}` : ''}\n`);
  return 0;
}
