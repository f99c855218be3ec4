// A project-local Jupyter for tests: the `dmsim` kernelspec under build/jupyter, and every
// Jupyter/IPython folder pointed inside build/, so nothing is written to the home folder.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installKernelSpec } from '../../kernel-lib/notebook/kernelspec.js';

export const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = path.join(PROJECT, 'test', 'notebook', 'fixtures');
const JUPYTER_DIR = path.join(PROJECT, 'build', 'jupyter');

export function jupyterEnv(): NodeJS.ProcessEnv {
  installKernelSpec({ dataDir: JUPYTER_DIR });
  return {
    ...process.env,
    JUPYTER_PATH: JUPYTER_DIR,
    JUPYTER_DATA_DIR: JUPYTER_DIR,
    JUPYTER_RUNTIME_DIR: path.join(JUPYTER_DIR, 'runtime'),
    JUPYTER_CONFIG_DIR: path.join(JUPYTER_DIR, 'config'),
    IPYTHONDIR: path.join(JUPYTER_DIR, 'ipython'),
    JUPYTER_PLATFORM_DIRS: '1',
  };
}

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program to completion (killing it after `timeoutMs`, default 10 minutes: a backstop for
 * a hung program, far above what any test needs on a loaded machine) and collects its output.
 */
export function runProgram(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd ?? PROJECT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** nbformat.validate on each file, with Debian's Python (the one that has Jupyter). */
export async function validateNotebooks(files: string[]): Promise<Ran> {
  const script = 'import sys, nbformat\nfor f in sys.argv[1:]:\n    nbformat.validate(nbformat.read(f, as_version=4))\n    print("valid", f)';
  return runProgram('/usr/bin/python3', ['-c', script, ...files]);
}
