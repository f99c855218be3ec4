// `dmsim sweep SPEC --slurm`: the unfinished shards as one sbatch job array, plus a merge job
// that runs after it whatever its outcome (afterany), so a failed shard still gets a merge that
// names it. Success is judged from the shards' markers, never from Slurm: without accounting a
// finished job leaves squeue after MinJobAge. --watch polls the markers (and squeue, to notice a
// shard that died without a word) rather than `sbatch --wait`, whose back-off (2, 8, 32 s...)
// adds tens of seconds to a short array.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_DIR } from '../analysis/module-location.js';
import type { SweepSpec } from '../analysis/sweep-spec.js';
import { writeAtomically } from './output-file.js';
import { mergeToOutput, planForLaunch, watchShards } from './sweep-jobs.js';

const run = promisify(execFile);

export interface SlurmOptions {
  shards?: number;
  /** Passed through to sbatch (--account, --partition, --time, --qos...), in both scripts. */
  sbatchArgs: string[];
  watch: boolean;
  dryRun: boolean;
  /** Where --watch writes the merged table (besides the merge job's own copy in the job folder). */
  out?: string;
}

/** A word for a shell script, single-quoted unless it is plainly safe. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `--array` of a list of shard numbers: ranges where they run on (0-3,6,8-9). */
export function arrayRanges(shards: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < shards.length; ) {
    let j = i;
    while (j + 1 < shards.length && shards[j + 1] === shards[j]! + 1) j++;
    out.push(j === i ? `${shards[i]}` : `${shards[i]}-${shards[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

export interface SlurmScripts {
  array: string;
  merge: string;
}

/** The two batch scripts: the array of `shards` (of `total`) and the merge. */
export function slurmScripts(spec: SweepSpec, dir: string, shards: readonly number[], total: number, sbatchArgs: readonly string[], planId: string): SlurmScripts {
  for (const a of sbatchArgs) {
    if (/[\n\r]/.test(a) || !a.startsWith('-')) throw new RangeError(`--sbatch-arg ${JSON.stringify(a)}: an sbatch option (starting with -) on one line`);
  }
  const site = sbatchArgs.map((a) => `#SBATCH ${a}`);
  const cpus = sbatchArgs.some((a) => /^(--cpus-per-task|-c)\b/.test(a)) ? [] : ['#SBATCH --cpus-per-task=1'];
  const dmsim = (sub: string) => `exec node bin/dmsim.js sweep ${sub}${shellWord(spec.file)}`;
  const head = (what: string) => [
    '#!/bin/bash',
    `# ${what} of the dmsim sweep ${spec.file} (plan ${planId}); written by dmsim sweep --slurm.`,
    '# Node.js must be on PATH on the compute nodes (e.g. module load nodejs before submitting:',
    '# sbatch passes the environment on), and the project folder shared with them.',
  ];
  const array = [
    ...head(`Shards ${arrayRanges(shards)} of ${total}`),
    `#SBATCH --job-name=${shellWord(`dmsim-${spec.name}`)}`,
    `#SBATCH --array=${arrayRanges(shards)}`,
    `#SBATCH --output=${path.join(dir, 'logs', 'shard-%a.log')}`,
    `#SBATCH --chdir=${PROJECT_DIR}`,
    ...cpus,
    ...site,
    `${dmsim('')} --shard "$SLURM_ARRAY_TASK_ID/${total}"`,
    '',
  ].join('\n');
  const merge = [
    ...head('The merge'),
    `#SBATCH --job-name=${shellWord(`dmsim-${spec.name}-merge`)}`,
    `#SBATCH --output=${path.join(dir, 'logs', 'merge.log')}`,
    `#SBATCH --chdir=${PROJECT_DIR}`,
    '#SBATCH --cpus-per-task=1',
    ...site.filter((l) => !/--(cpus-per-task|array)\b|^#SBATCH -c\b/.test(l)),
    `${dmsim('merge ')} --out ${shellWord(path.join(dir, 'table.csv'))}`,
    '',
  ].join('\n');
  return { array, merge };
}

/** Array tasks of this sweep that Slurm still has queued or running (the user's own jobs only). */
export async function queuedShards(spec: SweepSpec): Promise<Set<number>> {
  // -r: one line per array task, pending ones included.
  const { stdout } = await run('squeue', ['--me', '-h', '-r', '-n', `dmsim-${spec.name}`, '-o', '%K']);
  return new Set(stdout.split('\n').map((l) => l.trim()).filter((l) => /^\d+$/.test(l)).map(Number));
}

async function sbatch(args: string[]): Promise<string> {
  const { stdout } = await run('sbatch', ['--parsable', ...args], { cwd: PROJECT_DIR });
  return stdout.trim().split(';')[0]!;
}

export async function submitSlurm(spec: SweepSpec, options: SlurmOptions): Promise<number> {
  const { dir, plan, unfinished } = planForLaunch(spec, options.shards);
  const queued = options.dryRun ? new Set<number>() : await queuedShards(spec);
  const todo = unfinished.filter((i) => !queued.has(i));
  const say = (l: string) => process.stderr.write(`${l}\n`);
  if (queued.size > 0) say(`shards ${arrayRanges([...queued].sort((a, b) => a - b))} of ${spec.file} are already queued or running: not submitted again`);
  if (todo.length > 0) {
    fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
    const scripts = slurmScripts(spec, dir, todo, plan.shards, options.sbatchArgs, plan.planId);
    const arrayFile = path.join(dir, 'shards.sbatch');
    const mergeFile = path.join(dir, 'merge.sbatch');
    writeAtomically(arrayFile, scripts.array);
    writeAtomically(mergeFile, scripts.merge);
    if (options.dryRun) {
      process.stdout.write(`sbatch --parsable ${arrayFile}\nsbatch --parsable --dependency=afterany:JOBID ${mergeFile}\n`);
      return 0;
    }
    const job = await sbatch([arrayFile]);
    const merge = await sbatch([`--dependency=afterany:${job}`, mergeFile]);
    say(`submitted shards ${arrayRanges(todo)} of ${plan.shards} of ${spec.file} as job ${job}, merge job ${merge} after it; logs in ${path.join(dir, 'logs')}`);
  } else if (queued.size === 0) {
    say(`all ${plan.shards} shards of ${spec.file} are done: nothing to submit`);
  }
  if (!options.watch) return 0;
  const watched = [...new Set([...todo, ...queued])].sort((a, b) => a - b);
  if (watched.length > 0) await watchShards(spec, plan, watched, () => queuedShards(spec));
  return mergeToOutput(spec, options.out);
}
