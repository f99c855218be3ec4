// The shell workload: what people typed in the threads (mkfs, mount, dd, cp -r, sync,
// umount, ...) run one after the other on the simulated machine. Each command prints what
// the real one prints and is timed (start and elapsed, simulated ns); the first command that
// fails prints the real command's message and ends the run, as `set -e` would.
// Layering: workload may import fs (sim < base < block < fs < workload): the shell drives
// file systems, the file systems know nothing of it.
import { Bio, REQ_SYNC } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import type { PageCache } from '../../block/page-cache.js';
import { ZERO_PAYLOAD } from '../../block/bio-payload.js';
import { InputError } from '../../base/input-error.js';
import { Ext2Mount, FsError, mkfsText, planMkfs, runMkfs, type Ext2Image, type FsParams, type Inode } from '../../fs/index.js';
import type { CpuSet, Thread } from '../../sim/cpu.js';
import type { ProcessGenerator, SimEvent, Simulation } from '../../sim/index.js';
import { DdRun, ddJson, ddTransferLine, type DdJson, type DdOptions } from '../dd.js';
import type { ShellLine } from './parse.js';
import { FioRun } from '../fio/fio.js';
import { fioJson } from '../fio/json-output.js';
import { fioText } from '../fio/text-output.js';
import type { BufferedIo } from '../fio/job.js';
import { materializeTree, type TreeSpec } from './source-tree.js';

export interface ShellEnvironment {
  sim: Simulation;
  cpus: CpuSet | null;
  resolveFile(name: string): BlockDevice | undefined;
  pageCache(dev: BlockDevice): PageCache;
  /** Every page cache in use (drop_caches). */
  allCaches(): PageCache[];
  fsParams: FsParams;
  cpuNsPerIo: number;
  copyNsPerByte: number;
  source: string;
  warn(message: string): void;
  trees: Readonly<Record<string, TreeSpec>>;
  /** The device a mapped device shows unchanged (a snapshot-origin's origin), for a file system made under it. */
  sameContents?(dev: BlockDevice): BlockDevice | undefined;
}

export interface ShellCommandResult {
  cmd: string;
  line: number;
  start_ns: number;
  elapsed_ns: number;
  exit_status: number;
  /** What the command printed (stdout and stderr, in order). */
  output: string;
  /** dd's result, as the `dd` block of a dd workload. */
  dd?: DdJson;
  /** fio's jobs[], as in its JSON output. */
  fio?: unknown[];
}

/** A file on a mounted file system as fio's "device": its name and the file system's size bound the job's region. */
class FileTarget implements BlockDevice {
  readonly logicalBlockSize = 4096;
  fs: Ext2Mount | null = null;
  inode: Inode | null = null;
  constructor(
    readonly name: string,
    readonly sizeSectors: number,
  ) {}
  submit(): ProcessGenerator<void> {
    throw new Error(`fio: ${this.name}: direct I/O to a file is refused before the run`);
  }
  diskStats() {
    return null;
  }
}

/** Buffered I/O on a FileTarget through its file system (page cache, allocation, journal). */
function fileIo(f: FileTarget, pid: number): BufferedIo {
  return {
    *write(thread, offset, bytes, payload) {
      yield* f.fs!.write(thread, f.inode!, offset, bytes, pid, payload ?? null);
    },
    *read(thread, offset, bytes) {
      yield* f.fs!.read(thread, f.inode!, offset, bytes);
    },
    fsync: (thread) => f.fs!.fsync(thread, f.inode!),
    writeAndWait: (thread) => f.fs!.fsync(thread, f.inode!),
    writeback: { wakeFlusher: () => {} },
  };
}

class CommandFailed extends Error {
  constructor(
    readonly output: string,
    readonly status = 1,
  ) {
    super(output);
  }
}

/** cp's and cat's buffer (coreutils io_blksize: 128 KiB). */
const IO_BUF = 128 * 1024;

interface MountEntry {
  fs: Ext2Mount;
  device: string;
  dev: BlockDevice;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'No space left on device',
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EEXIST: 'File exists',
  ENOTEMPTY: 'Directory not empty',
};

export class ShellRun {
  readonly results: ShellCommandResult[] = [];
  private readonly images = new Map<BlockDevice, Ext2Image>();
  private readonly mounts = new Map<string, MountEntry>();
  private pid = 2000;

  constructor(
    private readonly env: ShellEnvironment,
    private readonly lines: readonly ShellLine[],
  ) {}

  start(): SimEvent<unknown> {
    const self = this;
    return this.env.sim.process(
      (function* () {
        yield* self.run();
      })(),
      'sh',
    );
  }

  private *run(): ProcessGenerator<void> {
    const sim = this.env.sim;
    for (const l of this.lines) {
      const start = sim.now;
      const thread = this.env.cpus?.thread(l.text.split(/\s+/)[0]) ?? null;
      const r: ShellCommandResult = { cmd: l.text, line: l.line, start_ns: start, elapsed_ns: 0, exit_status: 0, output: '' };
      this.pid++;
      const self = this;
      const body = function* (): ProcessGenerator<void> {
        try {
          r.output = yield* self.command(l, thread, r);
        } catch (err) {
          if (err instanceof CommandFailed) {
            r.output = err.output;
            r.exit_status = err.status;
          } else throw err;
        }
      };
      yield thread !== null ? thread.spawn(body) : sim.process(body(), 'cmd');
      r.elapsed_ns = sim.now - start;
      this.results.push(r);
      if (r.exit_status !== 0) break;
    }
  }

  /** The file systems mounted now (the power-cut check re-opens them). */
  mounted(): { dir: string; device: string; fs: Ext2Mount }[] {
    return [...this.mounts].map(([dir, m]) => ({ dir, device: m.device, fs: m.fs }));
  }

  /** The mount holding an absolute path, with the path relative to it (longest mount point first). */
  private locate(path: string): { m: MountEntry; rel: string } | null {
    let best: string | null = null;
    for (const dir of this.mounts.keys()) {
      if ((path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`)) && (best === null || dir.length > best.length)) best = dir;
    }
    if (best === null) return null;
    return { m: this.mounts.get(best)!, rel: path.slice(best.length) };
  }

  private device(name: string): BlockDevice | undefined {
    return name.startsWith('/dev/') || !name.startsWith('/') ? this.env.resolveFile(name) : undefined;
  }

  private *cpu(thread: Thread | null, ns: number): ProcessGenerator<void> {
    if (ns <= 0) return;
    yield thread !== null ? thread.exec(ns) : this.env.sim.timeout(ns);
  }

  private *command(l: ShellLine, thread: Thread | null, r: ShellCommandResult): ProcessGenerator<string> {
    const c = l.cmd;
    const env = this.env;
    switch (c.kind) {
      case 'mkfs': {
        const dev = this.device(c.device);
        if (dev === undefined) throw new CommandFailed(`mke2fs: No such file or directory while trying to determine filesystem size`);
        for (const m of this.mounts.values()) if (m.dev === dev) throw new CommandFailed(`${c.device} is mounted; will not make a filesystem here!`);
        const bytes = dev.sizeSectors * 512;
        const plan = planMkfs(bytes, c, env.fsParams);
        yield* runMkfs(env.pageCache(dev), thread, plan);
        this.images.set(dev, plan.image);
        return c.quiet ? '' : mkfsText(c.device, plan.image.layout, plan.journalBlocks, env.fsParams);
      }
      case 'mount': {
        const dev = this.device(c.device);
        if (dev === undefined) throw new CommandFailed(`mount: special device ${c.device} does not exist`, 32);
        if (this.mounts.has(c.dir) || [...this.mounts.values()].some((m) => m.dev === dev)) throw new CommandFailed(`mount: ${c.device} already mounted or ${c.dir} busy`, 32);
        let img = this.images.get(dev);
        for (let d = this.env.sameContents?.(dev); img === undefined && d !== undefined; d = this.env.sameContents?.(d)) img = this.images.get(d);
        const badFs = () =>
          new CommandFailed(`mount: wrong fs type, bad option, bad superblock on ${c.device},\n       missing codepage or helper program, or other error\n       In some cases useful info is found in syslog - try\n       dmesg | tail  or so`, 32);
        if (img === undefined) {
          // The kernel reads the superblock, finds no magic, and says so.
          yield* this.readBlocks(dev, thread, 2, 2);
          throw badFs();
        }
        if (c.type === 'ext3' && img.journal === null) throw badFs();
        const p = env.fsParams;
        const journalled = img.journal !== null && c.type !== 'ext2';
        const view: Ext2Image = journalled ? img : (Object.assign(Object.create(Object.getPrototypeOf(img)), img, { journal: null }) as Ext2Image);
        const fs = new Ext2Mount(env.sim, dev, env.pageCache(dev), view, { data: c.data ?? (p.data === 'writeback' ? 'writeback' : 'ordered'), barrier: c.barrier ?? p.barrier, commitIntervalS: c.commitS ?? p.commitIntervalS }, p, env.sim.rng(`fs-${dev.name}`), env.cpus);
        // ext2_fill_super: the superblock and every group-descriptor block; ext3 also the journal superblock.
        const L = img.layout;
        yield* fs.readMeta(thread, L.firstDataBlock);
        for (let b = 0; b < L.descBlocks; b++) yield* fs.readMeta(thread, L.firstDataBlock + 1 + b);
        yield* fs.readMeta(thread, img.inodeBlock(2));
        if (journalled) yield* fs.readMeta(thread, img.journal!.inode.pstart[0]);
        img.mounts++;
        this.mounts.set(c.dir, { fs, device: c.device, dev });
        return '';
      }
      case 'umount': {
        let key: string | undefined;
        for (const [dir, m] of this.mounts) if (dir === c.target || m.device === c.target || m.dev === this.device(c.target)) key = dir;
        if (key === undefined) throw new CommandFailed(`umount: ${c.target}: not mounted`, 1);
        yield* this.mounts.get(key)!.fs.umount(thread);
        this.mounts.delete(key);
        return '';
      }
      case 'sync':
        for (const m of this.mounts.values()) yield* m.fs.sync(thread);
        return '';
      case 'sleep':
        yield env.sim.timeout(c.seconds * 1e9);
        return '';
      case 'drop_caches':
        for (const cache of env.allCaches()) if (c.what & 1) cache.dropClean();
        return '';
      case 'mkdir': {
        const at = this.locate(c.dir);
        if (at === null) throw new CommandFailed(`mkdir: cannot create directory '${c.dir}': No such file or directory`);
        const parts = at.rel.split('/').filter((x) => x !== '');
        let cur = at.m.fs.inode(2);
        for (let i = 0; i < parts.length; i++) {
          const next = cur.entries!.get(parts[i]);
          if (next !== undefined) {
            cur = at.m.fs.inode(next);
            if (i === parts.length - 1 && !c.parents) throw new CommandFailed(`mkdir: cannot create directory '${c.dir}': File exists`);
            continue;
          }
          if (i < parts.length - 1 && !c.parents) throw new CommandFailed(`mkdir: cannot create directory '${c.dir}': No such file or directory`);
          cur = yield* this.fsCall(() => at.m.fs.create(thread, cur, parts[i], true, this.pid), `mkdir: cannot create directory '${c.dir}'`);
        }
        return '';
      }
      case 'dd':
        return yield* this.dd(c.options, thread, r);
      case 'fio':
        return yield* this.fio(c.jobText, thread, r);
      case 'cp':
        return yield* this.cp(c.source, c.dest, thread);
      case 'cat': {
        const file = yield* this.openExisting(c.file, thread, `cat: ${c.file}`);
        if (file.inode.dir) throw new CommandFailed(`cat: ${c.file}: Is a directory`);
        for (let off = 0; off < file.inode.size; off += IO_BUF) {
          yield* this.cpu(thread, env.cpuNsPerIo);
          yield* file.fs.read(thread, file.inode, off, IO_BUF);
        }
        return '';
      }
      case 'rm': {
        const at = this.locate(c.path);
        const parent = at === null ? null : yield* at.m.fs.lookup(thread, dirname(at.rel));
        const name = basename(at?.rel ?? '');
        const ino = parent?.entries?.get(name);
        if (at === null || parent === null || ino === undefined) {
          if (c.force) return '';
          throw new CommandFailed(`rm: cannot remove '${c.path}': No such file or directory`);
        }
        const inode = at.m.fs.inode(ino);
        if (inode.dir && !c.recursive) throw new CommandFailed(`rm: cannot remove '${c.path}': Is a directory`);
        yield* this.removeTree(at.m.fs, parent, name, thread);
        return '';
      }
    }
  }

  private *removeTree(fs: Ext2Mount, parent: Inode, name: string, thread: Thread | null): ProcessGenerator<void> {
    const inode = fs.inode(parent.entries!.get(name)!);
    if (inode.dir) for (const child of [...inode.entries!.keys()]) yield* this.removeTree(fs, inode, child, thread);
    yield* fs.unlink(thread, parent, name);
  }

  /** Runs a file-system call; an FsError becomes the command's message ("PREFIX: No space left on device"). */
  private *fsCall<T>(body: () => ProcessGenerator<T>, prefix: string): ProcessGenerator<T> {
    try {
      return yield* body();
    } catch (err) {
      if (err instanceof FsError) throw new CommandFailed(`${prefix}: ${ERRNO_TEXT[err.code]}`);
      throw err;
    }
  }

  private *openExisting(path: string, thread: Thread | null, prefix: string): ProcessGenerator<{ fs: Ext2Mount; inode: Inode }> {
    const at = this.locate(path);
    const inode = at === null ? null : yield* this.fsCall(() => at.m.fs.lookup(thread, at.rel), prefix);
    if (at === null || inode === null) throw new CommandFailed(`${prefix}: No such file or directory`);
    return { fs: at.m.fs, inode };
  }

  /** open(O_CREAT | O_TRUNC unless notrunc): the file, created or emptied. */
  private *openForWrite(path: string, thread: Thread | null, prefix: string, truncate: boolean): ProcessGenerator<{ fs: Ext2Mount; inode: Inode }> {
    const at = this.locate(path);
    if (at === null) throw new CommandFailed(`${prefix}: No such file or directory`);
    const fs = at.m.fs;
    const parent = yield* this.fsCall(() => fs.lookup(thread, dirname(at.rel)), prefix);
    if (parent === null || !parent.dir) throw new CommandFailed(`${prefix}: No such file or directory`);
    const name = basename(at.rel);
    if (name === '') throw new CommandFailed(`${prefix}: Is a directory`);
    const ino = parent.entries!.get(name);
    if (ino !== undefined) {
      const inode = fs.inode(ino);
      if (inode.dir) throw new CommandFailed(`${prefix}: Is a directory`);
      if (!truncate) return { fs, inode };
      yield* fs.unlink(thread, parent, name);
    }
    const inode = yield* this.fsCall(() => fs.create(thread, parent, name, false, this.pid), prefix);
    return { fs, inode };
  }

  /**
   * fio on the shell's machine: a file name under a mount point (filename=, or directory= with
   * fio's jobname.N.0) is a file of that file system, created as fio does (and, for a job that
   * reads, laid out first: fio writes the file before the job when it is shorter than the
   * job's region); other names are devices. Buffered only: O_DIRECT through ext2/ext3 is not
   * modelled.
   */
  private *fio(jobText: string, thread: Thread | null, r: ShellCommandResult): ProcessGenerator<string> {
    const env = this.env;
    const files = new Map<string, FileTarget>();
    const io = new Map<BlockDevice, BufferedIo>();
    const run = this.fioSetup(() => new FioRun(
      {
        sim: env.sim,
        cpus: env.cpus,
        cpuNsPerIo: env.cpuNsPerIo,
        source: env.source,
        warn: env.warn,
        resolveFile: (name) => {
          const at = name.startsWith('/') ? this.locate(name) : null;
          if (at === null) return this.device(name);
          let f = files.get(name);
          if (f === undefined) {
            f = new FileTarget(name, at.m.fs.dev.sizeSectors);
            files.set(name, f);
            io.set(f, fileIo(f, this.pid));
          }
          return f;
        },
        pageCache: (dev) => io.get(dev) ?? env.pageCache(dev),
        listDir: (dir) => this.listFiles(dir),
        fileBytes: (dev) => (dev instanceof FileTarget ? this.existingLength(dev.name) : dev.sizeSectors * 512),
      },
      jobText,
      env.source,
    ));
    for (const job of run.jobs) {
      for (const { dev } of job.files) {
        if (!(dev instanceof FileTarget)) continue;
        if (job.options.direct) throw new CommandFailed(`fio: ${dev.name}: direct=1 on a file of ext2/ext3 is not modelled (O_DIRECT through the file system)`);
        if (job.options.ddirs.trim) throw new CommandFailed(`fio: ${dev.name}: trim on a file (punch hole) is not modelled`);
      }
    }
    for (const f of files.values()) {
      const opened = yield* this.openForWrite(f.name, thread, 'fio', false);
      f.fs = opened.fs;
      f.inode = opened.inode;
    }
    for (const job of run.jobs) {
      if (!job.options.ddirs.read) continue;
      for (const file of job.files) {
        const f = file.dev;
        if (!(f instanceof FileTarget)) continue;
        // "Laying out IO file": fio writes a file shorter than the job's region before the job.
        const end = file.regionStart + file.regionBytes;
        for (let off = f.inode!.size; off < end; off += IO_BUF) yield* this.fsCall(() => f.fs!.write(thread, f.inode!, off, Math.min(IO_BUF, end - off), this.pid), 'fio');
      }
    }
    const t0 = env.sim.now;
    yield run.start();
    const doc = fioJson(run.reports(), [], env.sim.now - t0, run.globalOptions) as { jobs: unknown[] };
    r.fio = doc.jobs;
    return `${fioText(doc, run.reports().map((rep) => rep.stats.jobs))}\n`;
  }

  /**
   * fio's job setup on this machine: what depends on the machine's state (opendir's directory,
   * the files' lengths) can only be checked now; fio reports it and exits 1.
   */
  private fioSetup(make: () => FioRun): FioRun {
    try {
      return make();
    } catch (err) {
      if (err instanceof InputError) throw new CommandFailed(`fio: ${err.message}`);
      throw err;
    }
  }

  /** The inode at an absolute path, from the mounted file systems' tables (no I/O: fio's setup stat()s from the dcache). */
  private inodeAt(path: string): { fs: Ext2Mount; inode: Inode } | null {
    const at = this.locate(path);
    if (at === null) return null;
    let inode = at.m.fs.inode(2);
    for (const part of at.rel.split('/').filter((x) => x !== '')) {
      const ino = inode.entries?.get(part);
      if (ino === undefined) return null;
      inode = at.m.fs.inode(ino);
    }
    return { fs: at.m.fs, inode };
  }

  /** fio's opendir: the regular files under `dir`, recursively (filesetup.c recurse_dir), in name order. */
  private listFiles(dir: string): { name: string; bytes: number }[] | null {
    const top = this.inodeAt(dir);
    if (top === null || !top.inode.dir) return null;
    const out: { name: string; bytes: number }[] = [];
    const walk = (path: string, d: Inode) => {
      for (const name of [...d.entries!.keys()].sort()) {
        const child = top.fs.inode(d.entries!.get(name)!);
        const full = `${path === '/' ? '' : path}/${name}`;
        if (child.dir) walk(full, child);
        else out.push({ name: full, bytes: child.size });
      }
    };
    walk(dir, top.inode);
    return out;
  }

  /** An existing regular file's length, or null for a file fio will create. */
  private existingLength(path: string): number | null {
    const f = this.inodeAt(path);
    return f === null || f.inode.dir ? null : f.inode.size;
  }

  private *dd(o: DdOptions, thread: Thread | null, r: ShellCommandResult): ProcessGenerator<string> {
    const env = this.env;
    const isFile = (p: string) => p !== '/dev/zero' && p !== '/dev/urandom' && p !== '/dev/null' && this.device(p) === undefined;
    if (!isFile(o.if) && !isFile(o.of)) {
      // Device to device: the dd workload itself.
      const run = new DdRun({ sim: env.sim, cpus: env.cpus, resolveFile: (n) => env.resolveFile(n), pageCache: env.pageCache, cpuNsPerIo: env.cpuNsPerIo, copyNsPerByte: env.copyNsPerByte, source: env.source, warn: env.warn }, o);
      yield run.start();
      const res = run.result();
      r.dd = ddJson(res);
      if (res.exitStatus !== 0) throw new CommandFailed(res.text, res.exitStatus);
      return res.text;
    }
    for (const [flags, which] of [[o.iflag, 'iflag'], [o.oflag, 'oflag']] as const) {
      if (flags.has('direct')) throw new CommandFailed(`dd: ${which}=direct on a file is not modelled (O_DIRECT through ext2/ext3)`);
    }
    const bs = o.ibs;
    const input = isFile(o.if) ? yield* this.openExisting(o.if, thread, `dd: failed to open '${o.if}'`) : null;
    const inDev = input === null && o.if !== '/dev/zero' && o.if !== '/dev/urandom' ? this.device(o.if)! : null;
    // What each block holds for writeback: zeros from /dev/zero; else unique data (the content
    // of a file or a device read is not followed).
    const payload = o.if === '/dev/zero' ? ZERO_PAYLOAD : null;
    const output = isFile(o.of) ? yield* this.openForWrite(o.of, thread, `dd: failed to open '${o.of}'`, !o.conv.has('notrunc')) : null;
    const outDev = output === null && o.of !== '/dev/null' ? this.device(o.of)! : null;
    const limit = o.count ?? Infinity;
    if (!Number.isFinite(limit) && input === null && inDev === null) throw new CommandFailed(`dd: count= is needed when copying ${o.if} to a file (the file system would fill up)`);
    const syncWrites = o.oflag.has('sync') || o.oflag.has('dsync');
    let full = 0;
    let partial = 0;
    let outFull = 0;
    let outPartial = 0;
    let failure = '';
    /** Bytes of the write cut short at the end of an output device. */
    let shortWrite = 0;
    const t0 = env.sim.now;
    for (let i = 0; i < limit; i++) {
      yield* this.cpu(thread, env.cpuNsPerIo + bs * env.copyNsPerByte);
      let n = bs;
      if (input !== null) n = yield* input.fs.read(thread, input.inode, (o.skip + i) * bs, bs);
      else if (inDev !== null) {
        if ((o.skip + i + 1) * bs > inDev.sizeSectors * 512) n = 0;
        else yield* env.pageCache(inDev).read(thread, (o.skip + i) * bs, bs);
      }
      if (n === 0) break;
      if (n === bs) full++;
      else partial++;
      yield* this.cpu(thread, env.cpuNsPerIo);
      try {
        if (output !== null) {
          yield* output.fs.write(thread, output.inode, (o.seek + i) * bs, n, this.pid, payload);
          if (syncWrites) yield* output.fs.fsync(thread, output.inode);
        } else if (outDev !== null) {
          // As DdRun: the write is cut short at the device's end, then ENOSPC.
          const room = Math.max(0, outDev.sizeSectors * 512 - (o.seek + i) * bs);
          if (room > 0) yield* env.pageCache(outDev).write(thread, (o.seek + i) * bs, Math.min(n, room), payload);
          if (room < n) {
            shortWrite = room;
            failure = `dd: error writing '${o.of}': No space left on device`;
            break;
          }
        }
      } catch (err) {
        if (!(err instanceof FsError)) throw err;
        failure = `dd: error writing '${o.of}': ${ERRNO_TEXT[err.code]}`;
        break;
      }
      if (n === bs) outFull++;
      else outPartial++;
      if (n < bs) break;
    }
    if (failure === '' && (o.conv.has('fsync') || o.conv.has('fdatasync'))) {
      if (output !== null) yield* output.fs.fsync(thread, output.inode);
      else if (outDev !== null) yield* env.pageCache(outDev).fsync(thread);
    }
    const seconds = (env.sim.now - t0) / 1e9;
    const bytes = outFull * bs + (outPartial > 0 && input !== null ? input.inode.size - (o.skip + outFull) * bs : 0) + shortWrite;
    const text = [...(failure === '' ? [] : [failure]), `${full}+${partial} records in`, `${outFull}+${outPartial} records out`, ddTransferLine(bytes, seconds)].join('\n');
    r.dd = ddJson({ recordsIn: full, recordsOut: outFull, partialIn: partial, partialOut: outPartial, bytes, seconds, text, exitStatus: failure === '' ? 0 : 1 });
    if (failure !== '') throw new CommandFailed(text);
    return text;
  }

  private *cp(source: string, dest: string, thread: Thread | null): ProcessGenerator<string> {
    const env = this.env;
    const spec = env.trees[source];
    if (spec === undefined) throw new CommandFailed(`cp: cannot stat '${source}': No such file or directory (not one of the scenario's trees: ${Object.keys(env.trees).join(', ') || 'none'})`);
    const at = this.locate(dest.replace(/\/+$/, '') || '/');
    if (at === null) throw new CommandFailed(`cp: cannot create directory '${dest}': No such file or directory`);
    const fs = at.m.fs;
    const target = yield* fs.lookup(thread, at.rel);
    // cp -r SRC DIR copies into DIR/basename(SRC); cp -r SRC NEW creates NEW.
    let rootRel: string;
    if (target !== null && target.dir) rootRel = `${at.rel.replace(/\/+$/, '')}/${basename(source)}`;
    else if (target === null) rootRel = at.rel;
    else throw new CommandFailed(`cp: cannot overwrite non-directory '${dest}' with directory '${source}'`);
    const shown = (rel: string) => `${dest.replace(/\/+$/, '')}${rel.slice(at.rel.replace(/\/+$/, '').length)}`;
    const dirs = new Map<string, Inode>();
    const mkdir = function* (self: ShellRun, rel: string): ProcessGenerator<Inode> {
      const known = dirs.get(rel);
      if (known !== undefined) return known;
      const parent = rel === rootRel ? yield* fs.lookup(thread, dirname(rel)) : yield* mkdir(self, dirname(rel));
      if (parent === null) throw new CommandFailed(`cp: cannot create directory '${shown(rel)}': No such file or directory`);
      const existing = parent.entries!.get(basename(rel));
      const d = existing !== undefined ? fs.inode(existing) : yield* self.fsCall(() => fs.create(thread, parent, basename(rel), true, self.pid), `cp: cannot create directory '${shown(rel)}'`);
      dirs.set(rel, d);
      return d;
    };
    yield* mkdir(this, rootRel);
    for (const f of materializeTree(spec, env.sim.rng(`tree:${source}`))) {
      const rel = `${rootRel}/${f.path}`;
      const parent = yield* mkdir(this, dirname(rel));
      const inode = yield* this.fsCall(() => fs.create(thread, parent, basename(rel), false, this.pid), `cp: cannot create regular file '${shown(rel)}'`);
      for (let off = 0; off < f.bytes; off += IO_BUF) {
        const n = Math.min(IO_BUF, f.bytes - off);
        yield* this.cpu(thread, 2 * env.cpuNsPerIo + n * env.copyNsPerByte);
        yield* this.fsCall(() => fs.write(thread, inode, off, n, this.pid), `cp: error writing '${shown(rel)}'`);
      }
    }
    return '';
  }

  /** Reads `n` blocks of 512 bytes at sector s, bypassing caches (a probe). */
  private *readBlocks(dev: BlockDevice, thread: Thread | null, s: number, n: number): ProcessGenerator<void> {
    const bio = new Bio('read', s, n, REQ_SYNC);
    bio.thread = thread;
    yield* dev.submit(bio);
    yield bio.wait(this.env.sim);
  }

  /** The text the run prints: each command, its output, its time (as bash's `time` would show it). */
  text(): string {
    const out: string[] = [];
    for (const r of this.results) {
      out.push(`$ ${r.cmd}`);
      if (r.output !== '') out.push(r.output);
      const s = r.elapsed_ns / 1e9;
      out.push(`real\t${Math.floor(s / 60)}m${(s % 60).toFixed(3)}s`);
      if (r.exit_status !== 0) out.push(`(exit status ${r.exit_status}: stopped, as set -e would)`);
    }
    return out.join('\n');
  }
}

function dirname(rel: string): string {
  const t = rel.replace(/\/+$/, '');
  const i = t.lastIndexOf('/');
  return i <= 0 ? '/' : t.slice(0, i);
}

function basename(rel: string): string {
  const t = rel.replace(/\/+$/, '');
  return t.slice(t.lastIndexOf('/') + 1);
}
