// Whether this machine can run the sharded-sweep tests' real infrastructure (a one-machine Slurm
// cluster; a throwaway sshd for GNU parallel), and if not, why: the tests then skip, saying so.
// The host is a parameter so the skip paths themselves are tested (test/cli/skip-paths.test.ts):
// on the machines that run CI they are never taken.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Host {
  platform: string;
  /** Effective user id (undefined where there is none, e.g. Windows). */
  uid: number | undefined;
  /** $PATH: the product and the tests call sbatch, squeue, parallel, ssh by name. */
  PATH: string;
  /** Whether a file exists (daemons are looked for in /usr/sbin, where Debian puts them). */
  exists(file: string): boolean;
}

export const thisHost = (): Host => ({ platform: process.platform, uid: process.getuid?.(), PATH: process.env.PATH ?? '', exists: fs.existsSync });

/** The file `command` runs from on `host`'s PATH, or undefined. */
export function onPath(host: Host, command: string): string | undefined {
  return host.PATH.split(path.delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => path.join(dir, command))
    .find((file) => host.exists(file));
}

function missing(host: Host, daemons: readonly string[], clients: readonly string[], install: string): string | undefined {
  // The start scripts run the daemons as /usr/sbin/NAME (where Debian puts them; not on a user's PATH).
  for (const d of daemons) if (!host.exists(`/usr/sbin/${d}`)) return `/usr/sbin/${d} is not installed: ${install}`;
  for (const c of clients) if (onPath(host, c) === undefined) return `${c} is not on PATH (${host.PATH || 'empty'}): ${install}`;
  return undefined;
}

/** Why `host` cannot run the one-machine Slurm cluster, or undefined when it can. */
export function whyNoSlurm(host: Host = thisHost()): string | undefined {
  if (host.platform !== 'linux') return `not Linux (${host.platform})`;
  if (host.uid !== 0) return 'not root: slurmd must run as root to start jobs (make test as root, as CI does)';
  if (!host.exists('/etc/debian_version')) return 'not Debian: the cluster comes from Debian packages (slurmctld slurmd slurm-client munge)';
  return missing(host, ['munged', 'slurmctld', 'slurmd'], ['sbatch', 'squeue', 'sinfo', 'scontrol'], 'make test installs it (scripts/ensure-debian-packages.sh slurmctld slurmd slurm-client munge)');
}

/** Why `host` cannot serve two ssh "hosts" for GNU parallel, or undefined when it can. */
export function whyNoSsh(host: Host = thisHost()): string | undefined {
  if (host.platform !== 'linux') return `not Linux (${host.platform})`;
  if (host.uid !== 0) return 'not root: the throwaway sshd needs root to start (make test as root, as CI does)';
  return missing(host, ['sshd'], ['ssh', 'ssh-keygen', 'parallel'], 'make test installs it (Debian: openssh-server openssh-client parallel)');
}
