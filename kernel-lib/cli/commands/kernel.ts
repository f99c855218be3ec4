// `dmsim kernel install [--user | --prefix DIR | --data-dir DIR]`: writes the Jupyter kernelspec.
// `dmsim kernel start -f CONNECTION_FILE`: runs the kernel (what the kernelspec launches).
import { parseArgs } from 'node:util';
import type { Command } from '../main.js';

const USAGE = `usage: dmsim kernel install [--user | --prefix DIR | --data-dir DIR]
       dmsim kernel start -f CONNECTION_FILE

install   write the 'dmsim' kernelspec: system-wide (default), for this user (--user),
          under DIR/share/jupyter/kernels (--prefix DIR, e.g. a virtualenv), or under
          DIR/kernels (--data-dir DIR, a folder listed in JUPYTER_PATH)
start     run the kernel on the ports of a Jupyter connection file (Jupyter does this)`;

async function install(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { user: { type: 'boolean' }, prefix: { type: 'string' }, 'data-dir': { type: 'string' } },
  });
  if ([values.user, values.prefix, values['data-dir']].filter(Boolean).length > 1) {
    console.error('dmsim kernel install: give at most one of --user, --prefix, --data-dir');
    return 2;
  }
  const { installKernelSpec } = await import('../../notebook/kernelspec.js');
  const dir = installKernelSpec({ user: values.user, prefix: values.prefix, dataDir: values['data-dir'] });
  console.log(`installed kernelspec 'dmsim' in ${dir}`);
  return 0;
}

async function start(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { f: { type: 'string', short: 'f' } } });
  if (!values.f) {
    console.error(`dmsim kernel start: missing -f CONNECTION_FILE\n\n${USAGE}`);
    return 2;
  }
  const { PROJECT_ROOT } = await import('../../notebook/versions.js');
  // Before the kernel exists: tslab's compiler takes the working directory as its root.
  process.chdir(PROJECT_ROOT);
  const { Kernel } = await import('../../notebook/kernel.js');
  const kernel = Kernel.fromConnectionFile(values.f);
  await kernel.start();
  await kernel.done;
  return 0;
}

export const command: Command = {
  summary: 'install the Jupyter kernelspec, or run the dmsim Jupyter kernel',
  async main(args) {
    const [sub, ...rest] = args;
    try {
      if (sub === 'install') return await install(rest);
      if (sub === 'start') return await start(rest);
    } catch (e) {
      console.error(`dmsim kernel ${sub}: ${(e as Error).message}`);
      return 2;
    }
    console.error(USAGE);
    return sub === '--help' || sub === '-h' ? 0 : 2;
  },
};
