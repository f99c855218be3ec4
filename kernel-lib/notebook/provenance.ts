// Where a report page's numbers came from: the code (git commit, and whether the checkout had
// uncommitted changes), the parameters and seeds, the package versions, and how the run went
// (wall time, sweep cache hits). Everything but the last line is stable from run to run, so a
// page changes only when something that matters changed.
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { escapeHTML } from './html-escape.js';
import { versions, type Versions } from './versions.js';

export interface GitState {
  commit: string;
  dirty: boolean;
}

export interface Provenance {
  notebook: string;
  git: GitState;
  /** The parameters cell's effective values (source text), seeds among them. */
  parameters: Record<string, string>;
  versions: Versions;
  wallSeconds: number;
  sweepCache?: { hits: number; misses: number };
  /** When the run started (ISO 8601, UTC) and what it ran on: a timing means nothing without them. */
  startedAt?: string;
  machine?: Machine;
}

export interface Machine {
  cpu: string;
  /** Logical CPUs the run could use (os.availableParallelism()). */
  cores: number;
  platform: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  const cpu = (cpus[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  return { cpu, cores: os.availableParallelism(), platform: `${os.platform()} ${os.release()} ${os.arch()}` };
}

/**
 * The checkout's commit and dirty flag. Changes under `reports/` (which a report run itself
 * writes) do not count, or every second run would see a "dirty" first run.
 */
export function gitState(rootDir: string): GitState {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: rootDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  let commit = 'none (no commit yet)';
  try {
    commit = git('rev-parse', 'HEAD');
  } catch {
    try {
      git('rev-parse', '--git-dir');
    } catch {
      return { commit: 'unknown (not a git checkout)', dirty: false };
    }
  }
  let dirty = false;
  try {
    dirty = git('status', '--porcelain', '--', '.', ':(exclude)reports').length > 0;
  } catch {
    dirty = true;
  }
  return { commit, dirty };
}

/** Parameters whose name says they are seeds (`seed`, `baseSeed`, `seeds`). */
export function seedsOf(parameters: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(parameters).filter(([name]) => /seed/i.test(name)));
}

export function provenance(
  notebook: string,
  rootDir: string,
  run: { parameters: Record<string, string>; wallSeconds: number; sweepCache?: { hits: number; misses: number }; startedAt?: Date },
): Provenance {
  const { startedAt, ...rest } = run;
  return { notebook, git: gitState(rootDir), versions: versions(), ...rest, startedAt: (startedAt ?? new Date()).toISOString(), machine: machine() };
}

/** The one line that differs between two runs of the same code: keep it on one line. */
export function timingLine(p: Provenance): string {
  const cache = p.sweepCache ? `; sweep cache: ${p.sweepCache.hits} hits, ${p.sweepCache.misses} misses` : '; no sweeps';
  // 2026-12-02T09:51:07.123Z -> 2026-12-02 09:51:07 UTC
  const when = p.startedAt ? ` on ${escapeHTML(p.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ''))} UTC` : '';
  const where = p.machine ? ` (${escapeHTML(p.machine.cpu)}, ${p.machine.cores} cores, ${escapeHTML(p.machine.platform)})` : '';
  return `<p class="timing">Executed in ${p.wallSeconds.toFixed(2)} s${when}${where}${cache}.</p>`;
}

export function provenanceHTML(p: Provenance): string {
  const row = (name: string, value: string) => `<dt>${escapeHTML(name)}</dt><dd>${value}</dd>`;
  const code = (text: string) => `<code>${escapeHTML(text)}</code>`;
  const list = (entries: Record<string, string>) =>
    Object.keys(entries).length === 0
      ? 'none declared'
      : Object.entries(entries)
          .map(([k, v]) => code(`${k} = ${v}`))
          .join(', ');
  const seeds = seedsOf(p.parameters);
  return `<footer class="provenance">
<h2>Provenance</h2>
<dl>
${row('Notebook', code(p.notebook))}
${row('Commit', `${code(p.git.commit)}${p.git.dirty ? ' <strong>with uncommitted changes</strong>' : ''}`)}
${row('Seeds', Object.keys(seeds).length ? list(seeds) : 'none declared in the parameters cell')}
${row('Parameters', list(p.parameters))}
${row('Versions', list(p.versions as unknown as Record<string, string>))}
</dl>
${timingLine(p)}
</footer>`;
}
