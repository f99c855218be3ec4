// Shared by the sharded-sweep tests: `dmsim` as a child process, a private cache and job
// folder per test, and a sweep whose runner lives in a temporary file (so a test can change
// "the model" by editing it: the runner's source is part of the model version).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const SIXTEEN = 'test/cli/fixtures/sixteen.yaml';

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `dmsim ARGS` in the project root with `env` added; never rejects. */
export function dmsim(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/dmsim.js', ...args], { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A temporary folder with cache/ and jobs/, and the environment that points dmsim at them. */
export function workspace(prefix: string): { dir: string; env: NodeJS.ProcessEnv; jobs: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const jobs = path.join(dir, 'jobs');
  return { dir, jobs, env: { DMSIM_CACHE_DIR: path.join(dir, 'cache'), DMSIM_SWEEP_DIR: jobs } };
}

/**
 * A sweep file in `dir` whose runner is a self-contained module in `dir` too; returns the spec's
 * path and a function that edits the runner (a new model version).
 */
export function sweepWithOwnRunner(dir: string, points = 8): { spec: string; changeModel: () => void } {
  const runner = path.join(dir, 'runner.mjs');
  fs.writeFileSync(runner, 'export function run(params, seed) { return { y: Number(params.x) * 2 + (seed % 1000) / 1000 }; }\n');
  const spec = path.join(dir, 'own.yaml');
  fs.writeFileSync(spec, `runner:\n  module: ${runner}\ngrid:\n  x: [${Array.from({ length: points }, (_, i) => i).join(', ')}]\nseed: 3\n`);
  return { spec, changeModel: () => fs.appendFileSync(runner, '// a change to the model\n') };
}

/** The sixteen-point sweep run whole on this machine, in a workspace of its own: the table
 * every sharded run (Slurm, GNU parallel) must reproduce byte for byte. */
export async function oneMachineTable(prefix: string): Promise<string> {
  const one = workspace(prefix);
  try {
    const r = await dmsim(['sweep', SIXTEEN, '--out', path.join(one.dir, 't.csv')], one.env);
    expect(r.code, r.stderr).to.equal(0);
    return fs.readFileSync(path.join(one.dir, 't.csv'), 'utf8');
  } finally {
    fs.rmSync(one.dir, { recursive: true, force: true });
  }
}
