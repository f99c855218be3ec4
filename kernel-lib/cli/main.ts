// The `dmsim` command: it only wires the layers together. Each subcommand lives in its own
// file under commands/ and is loaded on demand, so `dmsim run` never pays for loading the
// notebook machinery and vice versa.

export interface Command {
  /** One line for `dmsim --help`. */
  summary: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  main(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  run: () => import('./commands/run.js'),
  report: () => import('./commands/report.js'),
  notebook: () => import('./commands/notebook.js'),
  kernel: () => import('./commands/kernel.js'),
  sweep: () => import('./commands/sweep.js'),
  fio: () => import('./commands/fio.js'),
};

async function usage(): Promise<string> {
  const lines = ['usage: dmsim <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) {
    let summary = '';
    try {
      summary = (await load()).command.summary;
    } catch {
      summary = '(not available in this build)';
    }
    lines.push(`  ${name.padEnd(10)} ${summary}`);
  }
  lines.push('', "Run 'dmsim <command> --help' for a command's options.");
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`dmsim: unknown command '${name}'\n\n${await usage()}`);
    return 2;
  }
  const { command } = await load();
  return command.main(rest);
}
