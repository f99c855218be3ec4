// The shell workload's lines, parsed up front so that an unsupported command or option fails
// before anything runs, naming its line. One command per line, words split on blanks; `#`
// starts a comment; `set -e` is accepted (the run always stops at the first failing command,
// as a shell with set -e would). Supported:
//   mkfs.ext2 | mkfs.ext3 | mke2fs [-t ext2|ext3] [-j] [-q] [-F] [-b size] [-i bytes] [-I size]
//             [-m pct] [-E lazy_itable_init[=0|1]] DEVICE
//   mount [-t ext2|ext3] [-o data=ordered|writeback,barrier=0|1,commit=N,...] DEVICE DIR
//   umount DIR|DEVICE      sync      sleep SECONDS      mkdir [-p] DIR
//   dd OPERANDS (workload/dd.ts's operands; if=/of= a file on a mounted file system or a device)
//   cp -r SOURCE DEST      (SOURCE one of the scenario's `trees`)
//   cat FILE > /dev/null   rm [-r] [-f] PATH      echo 1|2|3 > /proc/sys/vm/drop_caches
//   fio --name=JOB --OPTION=VALUE ... (jobs on fio's command line; files with directory= or
//             filename= on a mounted file system, buffered)
import { InputError } from '../../base/input-error.js';
import { parseDdOperands, type DdOptions } from '../dd.js';

export type ShellCommand =
  | { kind: 'mkfs'; journal: boolean; blockSize?: number; inodeRatio?: number; inodeSize?: number; reservedPercent?: number; lazyItableInit: boolean; quiet: boolean; device: string }
  | { kind: 'mount'; type?: 'ext2' | 'ext3'; data?: 'ordered' | 'writeback'; barrier?: boolean; commitS?: number; device: string; dir: string }
  | { kind: 'umount'; target: string }
  | { kind: 'sync' }
  | { kind: 'sleep'; seconds: number }
  | { kind: 'mkdir'; parents: boolean; dir: string }
  | { kind: 'dd'; options: DdOptions }
  | { kind: 'cp'; source: string; dest: string }
  | { kind: 'cat'; file: string }
  | { kind: 'rm'; recursive: boolean; force: boolean; path: string }
  | { kind: 'drop_caches'; what: number }
  /** fio's command-line jobs, written out as a job file (options before the first --name are [global]). */
  | { kind: 'fio'; jobText: string };

export interface ShellLine {
  /** The line as written. */
  text: string;
  /** 1-based line in the scenario file. */
  line: number;
  cmd: ShellCommand;
}

const COMMANDS = 'mkfs.ext2, mkfs.ext3, mke2fs, mount, umount, sync, sleep, mkdir, dd, cp, cat, rm, fio, echo N > /proc/sys/vm/drop_caches';

export function parseShell(text: string, file: string, firstLine: number): ShellLine[] {
  const out: ShellLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = firstLine + i;
    const hash = raw.indexOf('#');
    const body = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (body === '' || body === 'set -e') return;
    const fail = (why: string, field?: string): never => {
      throw new InputError(why, { file, line, field: field === undefined ? 'workload.shell' : `workload.shell: ${field}` });
    };
    const words = body.replace(/>\s*/g, '> ').split(/\s+/);
    out.push({ text: body, line, cmd: parseCommand(words, fail) });
  });
  return out;
}

function parseSize(text: string, fail: (why: string, field?: string) => never, what: string): number {
  const m = /^(\d+)([kKmMgG]?)$/.exec(text);
  if (m === null) return fail(`invalid ${what} '${text}'`, what);
  return Number(m[1]) * { '': 1, k: 1024, K: 1024, m: 2 ** 20, M: 2 ** 20, g: 2 ** 30, G: 2 ** 30 }[m[2]]!;
}

function parseCommand(words: string[], fail: (why: string, field?: string) => never): ShellCommand {
  const [name, ...args] = words;
  switch (name) {
    case 'mkfs.ext2':
    case 'mkfs.ext3':
    case 'mke2fs': {
      const c: Extract<ShellCommand, { kind: 'mkfs' }> = { kind: 'mkfs', journal: name === 'mkfs.ext3', lazyItableInit: false, quiet: false, device: '' };
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        const value = () => args[++i] ?? fail(`option ${a} needs a value`, a);
        if (!a.startsWith('-')) {
          if (c.device !== '') fail(`unexpected argument '${a}' (a block count is not supported)`, a);
          c.device = a;
        } else if (a === '-j') c.journal = true;
        else if (a === '-q') c.quiet = true;
        else if (a === '-F') continue;
        else if (a === '-t' || a === '-T') {
          const v = value();
          if (a === '-t') {
            if (v !== 'ext2' && v !== 'ext3') fail(`file system type '${v}' is not modelled (ext2, ext3)`, a);
            c.journal = v === 'ext3';
          } else fail('-T usage types are not modelled', a);
        } else if (a === '-b') {
          const v = Number(value());
          if (![1024, 2048, 4096].includes(v)) fail(`invalid block size - ${args[i]}`, a);
          c.blockSize = v;
        } else if (a === '-i') c.inodeRatio = parseSize(value(), fail, '-i');
        else if (a === '-I') c.inodeSize = Number(value());
        else if (a === '-m') c.reservedPercent = Number(value());
        else if (a === '-E') {
          for (const opt of value().split(',')) {
            const m = /^lazy_itable_init(?:=([01]))?$/.exec(opt);
            if (m === null) fail(`extended option '${opt}' is not modelled (lazy_itable_init)`, '-E');
            c.lazyItableInit = m[1] !== '0';
          }
        } else fail(`option ${a} is not modelled (supported: -t, -j, -q, -F, -b, -i, -I, -m, -E lazy_itable_init)`, a);
      }
      if (c.device === '') fail(`${name}: a device is needed`);
      return c;
    }
    case 'mount': {
      const c: Extract<ShellCommand, { kind: 'mount' }> = { kind: 'mount', device: '', dir: '' };
      const pos: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === '-t') {
          const v = args[++i];
          if (v !== 'ext2' && v !== 'ext3') fail(`file system type '${v}' is not modelled (ext2, ext3)`, '-t');
          c.type = v;
        } else if (a === '-o') {
          for (const opt of (args[++i] ?? '').split(',')) {
            const [k, v] = opt.split('=');
            if (k === 'data' && (v === 'ordered' || v === 'writeback')) c.data = v;
            else if (k === 'data' && v === 'journal') fail('data=journal is not modelled (ordered, writeback)', '-o');
            else if (k === 'barrier' && (v === '0' || v === '1')) c.barrier = v === '1';
            else if (k === 'nobarrier' && v === undefined) c.barrier = false;
            else if (k === 'commit' && /^\d+$/.test(v ?? '')) c.commitS = Number(v) === 0 ? 5 : Number(v);
            else if (['defaults', 'rw', 'noatime', 'relatime', 'nodiratime', 'async'].includes(opt)) continue;
            else fail(`mount option '${opt}' is not modelled (data=ordered|writeback, barrier=0|1, nobarrier, commit=N, defaults, rw, noatime, relatime, nodiratime, async)`, '-o');
          }
        } else if (a.startsWith('-')) fail(`option ${a} is not modelled (-t, -o)`, a);
        else pos.push(a);
      }
      if (pos.length !== 2) fail('mount DEVICE DIR: two arguments are needed');
      [c.device, c.dir] = pos;
      return c;
    }
    case 'umount':
      if (args.length !== 1) fail('umount DIR: one argument');
      return { kind: 'umount', target: args[0] };
    case 'sync':
      if (args.length !== 0) fail('sync takes no arguments here');
      return { kind: 'sync' };
    case 'sleep': {
      const s = Number(args[0]);
      if (args.length !== 1 || !(s >= 0)) fail('sleep SECONDS');
      return { kind: 'sleep', seconds: s };
    }
    case 'mkdir': {
      const parents = args[0] === '-p';
      const rest = parents ? args.slice(1) : args;
      if (rest.length !== 1 || rest[0].startsWith('-')) fail('mkdir [-p] DIR');
      return { kind: 'mkdir', parents, dir: rest[0] };
    }
    case 'dd':
      try {
        return { kind: 'dd', options: parseDdOperands(args) };
      } catch (err) {
        if (err instanceof InputError) return fail(err.reason, err.field);
        throw err;
      }
    case 'cp': {
      if (args.length !== 3 || !['-r', '-R', '-a'].includes(args[0])) fail('cp -r SOURCE DEST (a tree of the scenario onto a mounted file system)');
      return { kind: 'cp', source: args[1].replace(/\/+$/, ''), dest: args[2] };
    }
    case 'cat':
      if (args.length !== 3 || args[1] !== '>' || args[2] !== '/dev/null') fail('cat FILE > /dev/null');
      return { kind: 'cat', file: args[0] };
    case 'rm': {
      let recursive = false;
      let force = false;
      const pos: string[] = [];
      for (const a of args) {
        if (/^-[rRf]+$/.test(a)) {
          recursive ||= /[rR]/.test(a);
          force ||= a.includes('f');
        } else if (a.startsWith('-')) fail(`option ${a} is not modelled (-r, -f)`, a);
        else pos.push(a);
      }
      if (pos.length !== 1) fail('rm [-r] [-f] PATH: one path');
      return { kind: 'rm', recursive, force, path: pos[0] };
    }
    case 'echo':
      if (args.length === 3 && ['1', '2', '3'].includes(args[0]) && args[1] === '>' && args[2] === '/proc/sys/vm/drop_caches') return { kind: 'drop_caches', what: Number(args[0]) };
      return fail('only echo 1|2|3 > /proc/sys/vm/drop_caches is modelled');
    case 'fio': {
      const lines = ['[global]'];
      for (const a of args) {
        const m = /^--([a-z_][a-z0-9_-]*)(?:=(.*))?$/i.exec(a);
        if (m === null) return fail(`fio: '${a}': give the jobs as --option=value on the command line (a job file runs with dmsim fio or workload.fio)`, 'fio');
        lines.push(m[1] === 'name' ? `[${m[2] ?? ''}]` : m[2] === undefined ? m[1] : `${m[1]}=${m[2]}`);
      }
      if (!args.some((a) => a.startsWith('--name='))) return fail('fio: no job (--name=NAME)', 'fio');
      return { kind: 'fio', jobText: `${lines.join('\n')}\n` };
    }
    default:
      return fail(`command '${name}' is not modelled (supported: ${COMMANDS})`);
  }
}
