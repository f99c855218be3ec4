// Versions a kernel reports and a report page records: read from the installed packages'
// package.json files, so they are what actually ran, not what package.json asked for.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: this file is kernel-lib/notebook/versions.ts. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function packageVersion(dir: string): string {
  try {
    return String(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version);
  } catch {
    return 'not installed';
  }
}

export interface Versions {
  node: string;
  dmsim: string;
  tslab: string;
  typescript: string;
  vega: string;
  'vega-lite': string;
  arquero: string;
}

let cached: Versions | null = null;

export function versions(): Versions {
  const modules = path.join(PROJECT_ROOT, 'node_modules');
  cached ??= {
    node: process.version,
    dmsim: packageVersion(PROJECT_ROOT),
    tslab: packageVersion(path.join(modules, 'tslab')),
    // The compiler that type-checks cells is tslab's own, not the project's.
    typescript: packageVersion(path.join(modules, '@tslab', 'typescript-for-tslab')),
    vega: packageVersion(path.join(modules, 'vega')),
    'vega-lite': packageVersion(path.join(modules, 'vega-lite')),
    arquero: packageVersion(path.join(modules, 'arquero')),
  };
  return cached;
}

/** The kernel_info `language_info` (also stored in every executed notebook's metadata). */
export function languageInfo() {
  return {
    name: 'typescript',
    version: versions().typescript,
    mimetype: 'text/typescript',
    file_extension: '.ts',
    pygments_lexer: 'typescript',
    // JupyterLab picks its TypeScript editor mode from `mode`; classic Notebook from name+typescript.
    codemirror_mode: { name: 'javascript', typescript: true, mode: 'typescript' },
  };
}
