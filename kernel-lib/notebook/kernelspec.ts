// The kernelspec that tells Jupyter how to start the `dmsim` kernel: a folder `dmsim` holding
// kernel.json, under one of Jupyter's data directories' `kernels/`.
// https://jupyter-client.readthedocs.io/en/stable/kernels.html#kernel-specs
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from './versions.js';

export const KERNEL_NAME = 'dmsim';
export const DISPLAY_NAME = 'TypeScript (dmsim)';

/** Where a kernelspec goes: `kernels/` under a Jupyter data directory. */
export function kernelsDir(where: { user?: boolean; prefix?: string; dataDir?: string }): string {
  if (where.dataDir) return path.resolve(where.dataDir, 'kernels');
  if (where.prefix) return path.resolve(where.prefix, 'share', 'jupyter', 'kernels');
  if (where.user) {
    const dataHome = process.env.XDG_DATA_HOME || path.join(homedir(), '.local', 'share');
    return path.join(dataHome, 'jupyter', 'kernels');
  }
  return path.join('/usr', 'local', 'share', 'jupyter', 'kernels');
}

/**
 * kernel.json. The launcher is `dmsim kernel start`, which moves to the project root before
 * anything else: tslab compiles local imports relative to the working directory, and Jupyter
 * starts kernels in the notebook's folder.
 */
export function kernelSpec() {
  return {
    argv: [process.execPath, path.join(PROJECT_ROOT, 'bin', 'dmsim.js'), 'kernel', 'start', '-f', '{connection_file}'],
    display_name: DISPLAY_NAME,
    language: 'typescript',
    interrupt_mode: 'signal',
    metadata: { debugger: false },
  };
}

/** Writes the kernelspec (atomically) and returns its folder. */
export function installKernelSpec(where: { user?: boolean; prefix?: string; dataDir?: string }): string {
  const dir = path.join(kernelsDir(where), KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'kernel.json');
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(kernelSpec(), null, 2) + '\n');
  renameSync(temp, file);
  return dir;
}
