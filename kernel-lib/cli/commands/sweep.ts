// `dmsim sweep SPEC ...`: a sweep file (docs/sweeps.md) run on this machine, as one shard of
// many, on a Slurm cluster, over ssh with GNU parallel, or as a Kubernetes Indexed Job; and
// `merge`/`status`/`plan`, which read the cache and the shards' markers. Paths in a sweep file
// are relative to the project root, so the command works from there (as notebooks do).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../../base/input-error.js';
import { PROJECT_DIR } from '../../analysis/module-location.js';
import type { Command } from '../main.js';
import { checkOutputPath, OutputError, writeAtomically } from '../output-file.js';

const HELP = `usage: dmsim sweep SPEC [--out TABLE.csv] [--workers N]
       dmsim sweep SPEC --shard I/N [--workers N]
       dmsim sweep SPEC --slurm [--shards N] [--sbatch-arg ARG ...] [--watch] [--dry-run]
       dmsim sweep SPEC --parallel HOSTS [--shards N] [--retries N]
       dmsim sweep SPEC --k8s-manifest [--shards N] [--image IMAGE] [--claim PVC]
       dmsim sweep merge SPEC [--out TABLE.csv]
       dmsim sweep status SPEC
       dmsim sweep plan SPEC --shards N

SPEC is a sweep file (sweeps/NAME.yaml: scenario or runner, params, grid, replicates, seed,
metrics; see docs/sweeps.md). Without options the whole sweep runs here and its table (CSV)
goes to stdout or --out. --shard I/N runs every N-th point starting at I (0 <= I < N) into the
cache and writes the shard's marker. merge builds the table from the cache alone, or names the
shards and points missing (exit 1). Results, markers and logs: $DMSIM_CACHE_DIR (default
.cache/sweeps) and $DMSIM_SWEEP_DIR (default .cache/sweep-jobs) under the project root.

  --slurm          write an sbatch array of the unfinished shards plus a merge job (afterany)
                   and submit both; run again to resubmit only what is missing
  --shards N       number of shards (default: the plan's, else 8 capped at the points)
  --sbatch-arg A   passed to sbatch as is, e.g. --sbatch-arg=--account=proj (repeatable)
  --watch          follow the shards' markers until the merge, then print its result
  --dry-run        write the scripts and print the sbatch commands without submitting
  --parallel H     run the shards with GNU parallel --sshlogin H (e.g. 2/node1,2/node2)
  --retries N      GNU parallel's retries per shard (default 3)
  --k8s-manifest   print a Kubernetes Indexed Job running one shard per completion index`;

class UsageError extends Error {}

export async function sweepCommand(argv: string[]): Promise<number> {
  const sub = (['merge', 'status', 'plan'].includes(argv[0] ?? '') ? argv[0] : 'run') as 'run' | 'merge' | 'status' | 'plan';
  if (sub !== 'run') argv = argv.slice(1);
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        workers: { type: 'string' },
        shard: { type: 'string' },
        shards: { type: 'string' },
        slurm: { type: 'boolean' },
        'sbatch-arg': { type: 'string', multiple: true },
        watch: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        parallel: { type: 'string' },
        retries: { type: 'string' },
        'k8s-manifest': { type: 'boolean' },
        image: { type: 'string' },
        claim: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`dmsim sweep: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const fail = (message: string, code = 1) => {
    console.error(`dmsim sweep: ${message}`);
    return code;
  };
  try {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing SPEC' : `one sweep file at a time (got ${positionals.join(', ')})`);
    const modes = ['shard', 'slurm', 'parallel', 'k8s-manifest'].filter((m) => values[m as keyof typeof values] !== undefined);
    if (modes.length > 1) throw new UsageError(`--${modes[0]} and --${modes[1]} do not go together`);
    if (sub !== 'run' && modes.length > 0) throw new UsageError(`${sub} takes no --${modes[0]}`);
    const positive = (name: string, v: string | undefined) => {
      if (v === undefined) return undefined;
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--${name} ${v}: expected a positive integer`);
      return Number(v);
    };
    const workers = positive('workers', values.workers);
    const shards = positive('shards', values.shards);
    const retries = values.retries === undefined ? 3 : (positive('retries', values.retries) ?? 3);
    // Output paths are the user's, relative to where they ran the command.
    const out = values.out === undefined ? undefined : path.resolve(values.out);
    if (out !== undefined) checkOutputPath(values.out!, '--out');
    const specFile = path.resolve(positionals[0]!);

    const { loadSweepSpec, runSweepSpec } = await import('../../analysis/sweep-spec.js');
    process.chdir(PROJECT_DIR);
    const shown = path.relative(PROJECT_DIR, specFile).startsWith('..') ? specFile : path.relative(PROJECT_DIR, specFile);
    const spec = loadSweepSpec(shown);

    if (sub === 'merge') {
      const { mergeToOutput } = await import('../sweep-jobs.js');
      return await mergeToOutput(spec, out);
    }
    if (sub === 'status') {
      const { statusLines } = await import('../sweep-jobs.js');
      console.log((await statusLines(spec)).join('\n'));
      return 0;
    }
    if (sub === 'plan') {
      if (shards === undefined) throw new UsageError('plan needs --shards N');
      const { jobDir, makePlan, writePlan } = await import('../../analysis/shard.js');
      fs.mkdirSync(jobDir(spec), { recursive: true });
      const plan = writePlan(jobDir(spec), makePlan(spec, shards));
      console.log(`planned ${spec.file}: ${plan.runs} runs in ${plan.shards} shards, model version ${plan.modelVersion} (${jobDir(spec)})`);
      return 0;
    }
    if (values.shard !== undefined) {
      const { parseShard, runShard, ShardRefused } = await import('../../analysis/shard.js');
      let s;
      try {
        s = parseShard(values.shard);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      try {
        const m = await runShard(spec, s.shard, s.shards, { workers });
        console.error(`shard ${s.shard}/${s.shards} of ${spec.file} on ${m.host}: ${m.runs} runs, ${m.cached} cached, ${m.failed} failed, ${m.wallMs} ms`);
        return m.failed > 0 ? 1 : 0;
      } catch (e) {
        if (e instanceof ShardRefused) return fail(e.message);
        throw e;
      }
    }
    if (values.slurm) {
      const { submitSlurm } = await import('../slurm.js');
      return await submitSlurm(spec, { shards, sbatchArgs: values['sbatch-arg'] ?? [], watch: values.watch === true, dryRun: values['dry-run'] === true, out });
    }
    if (values.parallel !== undefined) {
      const { runParallel } = await import('../gnu-parallel.js');
      return await runParallel(spec, { hosts: values.parallel, shards, retries, out });
    }
    if (values['k8s-manifest']) {
      const { k8sManifest } = await import('../k8s-manifest.js');
      const { planForLaunch } = await import('../sweep-jobs.js');
      // Planned now: a pod started after a change to the model refuses, as a Slurm task does.
      const { plan } = planForLaunch(spec, shards);
      process.stdout.write(k8sManifest(spec, plan.shards, { image: values.image, claim: values.claim }));
      return 0;
    }
    const t = await runSweepSpec(spec, workers === undefined ? {} : { workers });
    const csv = t.toCSV() + '\n';
    if (out === undefined) process.stdout.write(csv);
    else writeAtomically(out, csv, '--out');
    return t.failures.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) return fail(`${e.message}\n\n${HELP}`, 2);
    if (e instanceof OutputError) return fail(e.message, 2);
    if (e instanceof InputError) return fail(e.message);
    if (e instanceof RangeError) return fail(e.message, 2);
    throw e;
  }
}

export const command: Command = {
  summary: 'run a sweep file here, in shards, on Slurm, over ssh, or merge its table from the cache',
  main: (argv: string[]) => sweepCommand(argv),
};
