// `dmsim sweep SPEC --parallel HOSTS`: the unfinished shards through GNU parallel over ssh, for
// a few machines that share the project folder (NFS, or one machine's disk mounted on the
// others). parallel hands each shard to a free slot on a host, reruns a shard that fails
// (--retries, possibly on another host), and keeps a job log of every attempt; dmsim then
// merges from the cache as after any sharded run.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_DIR } from '../analysis/module-location.js';
import type { SweepSpec } from '../analysis/sweep-spec.js';
import { shellWord } from './slurm.js';
import { mergeToOutput, planForLaunch } from './sweep-jobs.js';

export interface ParallelOptions {
  /** GNU parallel's --sshlogin: `2/node1,2/node2`, `:` for this machine, or `N/ssh -p P user@host`. */
  hosts: string;
  shards?: number;
  /** Attempts per shard beyond the first that parallel makes when a shard fails. */
  retries: number;
  out?: string;
}

/** The arguments of the `parallel` call running `shards` of `total`. */
export function parallelArgs(spec: SweepSpec, dir: string, shards: readonly number[], total: number, options: ParallelOptions): string[] {
  // The shards' settings go with them over ssh (the cache and job folders above all); the host
  // name does not: each host names itself in its markers.
  const env = Object.keys(process.env).filter((k) => k.startsWith('DMSIM_') && k !== 'DMSIM_HOST').sort();
  const log = shellWord(path.join(dir, 'logs', 'shard-{}.log'));
  return [
    '--sshlogin', options.hosts,
    '--retries', String(options.retries + 1), // parallel counts the first attempt
    '--workdir', PROJECT_DIR,
    '--joblog', path.join(dir, 'parallel.joblog'),
    ...env.flatMap((k) => ['--env', k]),
    `exec node bin/dmsim.js sweep ${shellWord(spec.file)} --shard {}/${total} > ${log} 2>&1`,
    ':::', ...shards.map(String),
  ];
}

export async function runParallel(spec: SweepSpec, options: ParallelOptions): Promise<number> {
  const { dir, plan, unfinished } = planForLaunch(spec, options.shards);
  const say = (l: string) => process.stderr.write(`${l}\n`);
  if (unfinished.length > 0) {
    fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
    say(`running shards ${unfinished.join(',')} of ${plan.shards} of ${spec.file} with GNU parallel on ${options.hosts}; logs in ${path.join(dir, 'logs')}`);
    const args = parallelArgs(spec, dir, unfinished, plan.shards, options);
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn('parallel', args, { stdio: ['ignore', 'inherit', 'inherit'] });
      child.once('error', (e) => reject((e as NodeJS.ErrnoException).code === 'ENOENT' ? new Error('GNU parallel is not installed (Debian: apt-get install parallel)') : e));
      child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
    });
    // parallel's status is the number of shards that failed every attempt; the merge names them.
    if (code !== 0) say(`GNU parallel: ${code} shard(s) failed after ${options.retries + 1} attempts (job log: ${path.join(dir, 'parallel.joblog')})`);
  } else {
    say(`all ${plan.shards} shards of ${spec.file} are done: nothing to run`);
  }
  return mergeToOutput(spec, options.out);
}
