// `dmsim report` (make report): runs every notebooks/*.ipynb in process and writes reports/.
import { parseArgs } from 'node:util';
import type { Command } from '../main.js';

const USAGE = `usage: dmsim report [--notebooks DIR] [--out DIR]

Executes every notebook in DIR (default notebooks/) in name order, without Jupyter or Python,
and writes into the output folder (default reports/): the executed NAME.ipynb, a standalone
NAME.html, and index.html. Exits 1 if any notebook failed (its last good page is kept).`;

export const command: Command = {
  summary: 'run every notebook and write reports/ (executed notebooks, HTML pages, index)',
  async main(args) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: { notebooks: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      }));
    } catch (e) {
      console.error(`dmsim report: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const path = await import('node:path');
    const { PROJECT_ROOT } = await import('../../notebook/versions.js');
    const notebooksDir = path.resolve(values.notebooks ?? path.join(PROJECT_ROOT, 'notebooks'));
    const reportsDir = path.resolve(values.out ?? path.join(PROJECT_ROOT, 'reports'));
    // Cells import ./kernel-lib/...: tslab compiles relative to the working directory.
    process.chdir(PROJECT_ROOT);
    // A notebook's stray timer or promise that throws must not stop the other notebooks.
    let backgroundErrors = 0;
    const background = (e: unknown) => {
      backgroundErrors++;
      console.error(`report: uncaught error in the background of a notebook: ${(e as Error)?.stack ?? String(e)}`);
    };
    process.on('uncaughtException', background);
    process.on('unhandledRejection', background);
    const { buildReport } = await import('../../notebook/report.js');
    const { ok, studies } = await buildReport({
      rootDir: PROJECT_ROOT,
      notebooksDir,
      reportsDir,
      log: (line) => console.error(line),
    });
    const failed = studies.filter((s) => s.failure);
    console.error(
      `report: ${studies.length - failed.length} of ${studies.length} notebooks ok -> ${path.relative(process.cwd(), reportsDir) || '.'}/index.html`,
    );
    for (const s of failed) console.error(`report: FAILED ${s.failure!.location}: ${s.failure!.ename}: ${s.failure!.evalue}`);
    return ok && backgroundErrors === 0 ? 0 : 1;
  },
};
