// The `workload: shell:` hook, kept out of schema.ts and run.ts: checking the shell text and
// its `trees:` (validateShellWorkload), and starting the run on a built stack
// (startShellWorkload).
//   workload:
//     shell: |
//       mkfs.ext3 -q /dev/mapper/vol
//       mount /dev/mapper/vol /mnt
//       cp -r /src/tree /mnt/
//       umount /mnt
//     trees:
//       /src/tree: { files: 200, size: 4K-1M, dirs: 10 }
import { InputError } from '../base/input-error.js';
import type { BlockDevice } from '../block/device.js';
import type { PageCache } from '../block/page-cache.js';
import { MappedDevice } from '../dm/mapped-device.js';
import { parseFsParams } from '../fs/index.js';
import type { CpuSet } from '../sim/cpu.js';
import type { SimEvent, Simulation } from '../sim/index.js';
import { parseShell, parseTreeSize, ShellRun, type ShellLine, type TreeSpec } from '../workload/shell/index.js';
import type { KeyPath, LoadedScenario } from './load.js';
import { paramsUnder } from './params.js';

export interface ShellWorkloadSpec {
  kind: 'shell';
  lines: ShellLine[];
  trees: Record<string, TreeSpec>;
}

type Obj = Record<string, unknown>;

export function validateShellWorkload(loaded: LoadedScenario, w: Obj, fail: (p: KeyPath, why: string) => never): ShellWorkloadSpec {
  const { source } = loaded;
  const p = ['workload', 'shell'];
  if (typeof w.shell !== 'string') fail(p, 'must be the commands, one per line (shell: |)');
  const textLine = source.textLineOf(p) ?? 1;
  const lines = parseShell(w.shell as string, source.file, textLine);
  const trees: Record<string, TreeSpec> = {};
  const raw = w.trees ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(['workload', 'trees'], 'must be a mapping of source paths to tree descriptions');
  for (const [name, spec] of Object.entries(raw as Obj)) {
    const tp = ['workload', 'trees', name];
    if (!name.startsWith('/')) fail(tp, 'a tree is named by an absolute path such as /src/tree');
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) fail(tp, 'must be { files: N, size: 100K | 4K-1M, dirs: N } or { sizes: [...] }');
    const s = spec as Obj;
    for (const k of Object.keys(s)) if (!['files', 'size', 'sizes', 'dirs'].includes(k)) fail([...tp, k], 'unknown key (expected one of: files, size, sizes, dirs)');
    const dirs = s.dirs ?? 0;
    if (!(Number.isInteger(dirs) && (dirs as number) >= 0)) fail([...tp, 'dirs'], 'must be an integer >= 0');
    if (s.sizes !== undefined) {
      if (s.files !== undefined || s.size !== undefined) fail(tp, 'give either sizes or files and size');
      if (!Array.isArray(s.sizes)) fail([...tp, 'sizes'], 'must be a list of sizes');
      const sizes = (s.sizes as unknown[]).map((v) => {
        const r = parseTreeSize(v);
        if (r === null || r[0] !== r[1]) return fail([...tp, 'sizes'], `invalid size ${JSON.stringify(v)} (e.g. 4096, 100K, 1M)`);
        return r[0];
      });
      trees[name] = { sizes, dirs: dirs as number };
      continue;
    }
    if (!(Number.isInteger(s.files) && (s.files as number) >= 0)) fail([...tp, 'files'], 'must be an integer >= 0');
    const size = parseTreeSize(s.size);
    if (size === null) fail([...tp, 'size'], 'must be a size (100K) or a range (4K-1M)');
    trees[name] = { files: s.files as number, size: size![0], sizeMax: size![1], dirs: dirs as number };
  }
  return { kind: 'shell', lines, trees };
}

export interface ShellStartContext {
  sim: Simulation;
  cpus: CpuSet | null;
  params: Readonly<Record<string, unknown>>;
  resolveFile(name: string): BlockDevice | undefined;
  pageCache(dev: BlockDevice): PageCache;
  caches: Map<BlockDevice, PageCache>;
  tools: { ddCpuNsPerIo: number; ddCopyNsPerByte: number };
  file: string;
  warn(message: string): void;
}

export function startShellWorkload(w: ShellWorkloadSpec, ctx: ShellStartContext): { done: SimEvent<unknown>; shell: ShellRun } {
  let fsParams;
  try {
    fsParams = parseFsParams(paramsUnder(ctx.params, 'fs'), ctx.params.kernel);
  } catch (err) {
    throw err instanceof InputError ? new InputError(err.reason, { file: ctx.file, field: err.field }) : err;
  }
  const shell = new ShellRun(
    {
      sim: ctx.sim,
      cpus: ctx.cpus,
      resolveFile: ctx.resolveFile,
      pageCache: ctx.pageCache,
      allCaches: () => [...ctx.caches.values()],
      fsParams,
      cpuNsPerIo: ctx.tools.ddCpuNsPerIo,
      copyNsPerByte: ctx.tools.ddCopyNsPerByte,
      source: ctx.file,
      warn: ctx.warn,
      trees: w.trees,
      sameContents,
    },
    w.lines,
  );
  return { done: shell.start(), shell };
}

/**
 * The device whose contents a mapped device shows unchanged: a snapshot-origin, or a linear
 * map of a whole device from its start, or a dm-userspace copy-on-write device (its first
 * device is the base image, which it shows until written). A file system made on the LV
 * before the snapshot was taken (mkfs on base-real) is the one the origin (base) mounts.
 */
function sameContents(dev: BlockDevice): BlockDevice | undefined {
  if (!(dev instanceof MappedDevice) || dev.targets.length !== 1) return undefined;
  const t = dev.targets[0].target;
  const under = t.devices[0];
  if (under === undefined) return undefined;
  if (t.type === 'snapshot-origin' || t.type === 'userspace') return under;
  if (t.type === 'linear' && (t as unknown as { start: number }).start === 0 && under.sizeSectors === dev.sizeSectors) return under;
  return undefined;
}
