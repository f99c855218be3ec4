// The scenario format (docs/scenario.md), checked key by key. Every error names the key's
// path and, for files, its line; an unknown key is an error, never ignored, since a typo in
// a parameter would otherwise silently run the default.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeValue } from '../base/describe-value.js';
import { InputError } from '../base/input-error.js';
import { decodeTextFile } from '../base/text-input.js';
import type { VolumeSpec } from '../dm/volume.js';
import { findUnsafeKey, UNSAFE_KEY_REASON } from './key-safety.js';
import type { KeyPath, LoadedScenario } from './load.js';
import { validateShellWorkload, type ShellWorkloadSpec } from './shell-workload.js';
import { expandVars, varValue } from './vars.js';
import type { JobOption } from '../workload/fio/job-file.js';

export interface DeviceSpec {
  profile: string;
  /** Profile parameters to change (every key but `profile` and `backing`), checked by the block layer. */
  overrides: Record<string, unknown>;
  /** For a loop device: the device its backing file lives on. */
  backing?: string;
}

export type TraceFormat = 'blkparse' | 'disksim' | 'msr' | 'fiu';

export type WorkloadSpec =
  | {
      kind: 'fio';
      text: string;
      source: string;
      firstLine: number;
      /** Options given on fio's command line: defaults for every job, before the file's [global] (fio's def_thread). */
      defaults?: JobOption[];
      /** --section: only these jobs run. */
      sections?: string[];
      /** The environment ${VAR} reads (default: the dmsim process's). */
      env?: Record<string, string>;
    }
  | { kind: 'dd'; operands: string[] }
  | {
      kind: 'trace';
      file: string;
      format: TraceFormat;
      /** Device, volume or target the trace is replayed on. */
      device: string;
      /** The traced device to replay, as the trace names it ("8,16", a devno, a DiskNumber); needed when it has several. */
      from?: string | number;
      /** `timed`: at the trace's own times (scaled by `speed`); `closed`: as fast as `iodepth` allows. */
      mode: 'timed' | 'closed';
      iodepth: number;
      speed: number;
    }
  | ShellWorkloadSpec;

export interface Scenario {
  seed: number | string;
  description: string;
  devices: Record<string, DeviceSpec>;
  volumes: Record<string, VolumeSpec>;
  /** Name -> dmsetup table text, with the line the text starts on. */
  targets: Record<string, { table: string; line: number | undefined }>;
  /** Model parameters by dotted path, flattened ({block: {nr_requests: 1}} -> block.nr_requests). */
  params: Record<string, unknown>;
  workload: WorkloadSpec;
  /** The file it came from, for messages. */
  file: string;
  /** The stack of `stacks` that was built (`stack`), or undefined when the file has none. */
  stack?: string;
  /** The variables, as expanded into tables and the workload (`vars`, the stack's, `stack`). */
  vars?: Record<string, string>;
}

const TOP_KEYS = ['seed', 'description', 'devices', 'volumes', 'targets', 'params', 'workload', 'vars', 'stack', 'stacks'];
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `given`: the workload comes from elsewhere (dmsim fio's job file); the scenario is a stack, its own workload optional and unused. */
export function validateScenario(loaded: LoadedScenario, given?: WorkloadSpec): Scenario {
  const { data, source } = loaded;
  const fail = (p: KeyPath, why: string): never => {
    throw source.error(p, why);
  };
  const obj = (v: unknown, p: KeyPath): Obj => (isObj(v) ? v : fail(p, `must be a mapping, got ${describe(v)}`));
  const onlyKeys = (o: Obj, p: KeyPath, allowed: readonly string[]) => {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) fail([...p, k], `unknown key (expected one of: ${allowed.join(', ')})`);
  };
  const unsafe = findUnsafeKey(data);
  if (unsafe !== null) fail(unsafe.path, UNSAFE_KEY_REASON(unsafe.key));
  const root = obj(data ?? {}, []);
  onlyKeys(root, [], TOP_KEYS);

  const seed = root.seed ?? 0;
  if (!((typeof seed === 'number' && Number.isFinite(seed)) || typeof seed === 'string')) fail(['seed'], `must be a finite number or a string, got ${describe(seed)}`);
  // 2^53 + 1 reads as 2^53: two different seeds would silently be the same run.
  if (typeof seed === 'number' && Number.isInteger(seed) && !Number.isSafeInteger(seed)) {
    fail(['seed'], `${seed} is beyond 2^53, where integers stop being exact (quote it to use it as a string seed)`);
  }
  const description = root.description ?? '';
  if (typeof description !== 'string') fail(['description'], 'must be a string');

  const names = new Map<string, string>();
  const claim = (section: string, name: string) => {
    if (!NAME.test(name)) fail([section, name], `'${name}' is not a valid name (letters, digits, _ . + -)`);
    const prev = names.get(name);
    if (prev !== undefined) fail([section, name], `the name '${name}' is already used in ${prev}`);
    names.set(name, section);
  };

  const devices: Record<string, DeviceSpec> = {};
  const devs = obj(root.devices ?? fail(['devices'], 'at least one device is needed'), ['devices']);
  if (Object.keys(devs).length === 0) fail(['devices'], 'at least one device is needed');
  for (const [name, spec] of Object.entries(devs)) {
    claim('devices', name);
    const p = ['devices', name];
    if (typeof spec === 'string') devices[name] = { profile: spec, overrides: {} };
    else {
      const { profile, backing, ...overrides } = obj(spec, p);
      if (typeof profile !== 'string') fail([...p, 'profile'], 'a profile name is needed (e.g. hdd-2019)');
      if (backing !== undefined && (typeof backing !== 'string' || devices[backing] === undefined)) {
        fail([...p, 'backing'], 'must name a device defined above this one');
      }
      devices[name] = { profile: profile as string, overrides, backing: backing as string | undefined };
    }
  }

  const volumes: Record<string, VolumeSpec> = {};
  for (const [name, spec] of Object.entries(obj(root.volumes ?? {}, ['volumes']))) {
    claim('volumes', name);
    const p = ['volumes', name];
    const o = obj(spec, p);
    onlyKeys(o, p, ['device', 'offset', 'size']);
    if (typeof o.device !== 'string') fail([...p, 'device'], 'must name a device');
    for (const k of ['offset', 'size'] as const) {
      if (o[k] !== undefined && typeof o[k] !== 'number' && typeof o[k] !== 'string') fail([...p, k], 'must be a size such as 8G or a number of bytes');
    }
    volumes[name] = { device: o.device as string, offset: o.offset as VolumeSpec['offset'], size: o.size as VolumeSpec['size'] };
  }

  const targets: Scenario['targets'] = {};
  for (const [name, table] of Object.entries(obj(root.targets ?? {}, ['targets']))) {
    claim('targets', name);
    if (typeof table !== 'string') fail(['targets', name], 'must be dmsetup table text, e.g. "0 2097152 linear sda 0"');
    targets[name] = { table: table as string, line: source.textLineOf(['targets', name]) };
  }

  // `stacks`: alternative sets of targets (and variables) over the same devices; `stack`
  // picks the one built (default: the first). Its variables override the top-level ones.
  const vars: Record<string, string> = {};
  const targetPaths = new Map<string, KeyPath>();
  const addVars = (o: Obj, p: KeyPath) => {
    for (const [k, v] of Object.entries(o)) {
      const r = varValue(k, v);
      if ('error' in r) fail([...p, k], r.error);
      else vars[k] = r.text;
    }
  };
  addVars(obj(root.vars ?? {}, ['vars']), ['vars']);
  let stack: string | undefined;
  if (root.stacks !== undefined) {
    const stacks = obj(root.stacks, ['stacks']);
    const names = Object.keys(stacks);
    if (names.length === 0) fail(['stacks'], 'at least one stack is needed');
    stack = root.stack === undefined ? names[0] : String(root.stack);
    if (!Object.hasOwn(stacks, stack)) fail(['stack'], `no stack '${stack}' in stacks (known: ${names.join(', ')})`);
    const p = ['stacks', stack];
    const chosen = obj(stacks[stack] ?? {}, p);
    onlyKeys(chosen, p, ['targets', 'vars']);
    for (const [name, table] of Object.entries(obj(chosen.targets ?? {}, [...p, 'targets']))) {
      claim('targets', name);
      if (typeof table !== 'string') fail([...p, 'targets', name], 'must be dmsetup table text, e.g. "0 2097152 linear sda 0"');
      targets[name] = { table: table as string, line: source.textLineOf([...p, 'targets', name]) };
      targetPaths.set(name, [...p, 'targets', name]);
    }
    addVars(obj(chosen.vars ?? {}, [...p, 'vars']), [...p, 'vars']);
    vars.stack = stack;
  } else if (root.stack !== undefined) fail(['stack'], 'names one of `stacks`, and there are none');
  for (const [name, t] of Object.entries(targets)) {
    const path = targetPaths.get(name) ?? ['targets', name];
    t.table = expandVars(t.table, vars, { file: source.file, line: t.line ?? source.lineOf(path), field: path.join('.') });
  }

  const params: Record<string, unknown> = {};
  const flatten = (o: Obj, prefix: string[]) => {
    for (const [k, v] of Object.entries(o)) {
      if (isObj(v)) flatten(v, [...prefix, k]);
      else params[[...prefix, k].join('.')] = v;
    }
  };
  flatten(obj(root.params ?? {}, ['params']), []);

  const workload = given ?? validateWorkload(loaded, obj(root.workload ?? fail(['workload'], 'a workload is needed (fio, dd or trace)'), ['workload']), fail, onlyKeys, obj);
  // Scenario variables belong to the scenario's own workload; a workload given from outside
  // (dmsim fio's job file) is fio's, whose ${VAR} are environment variables.
  if (given === undefined && workload.kind === 'fio') workload.text = expandVars(workload.text, vars, { file: workload.source, line: workload.firstLine, field: 'workload.fio' });
  if (given === undefined && workload.kind === 'dd') workload.operands = workload.operands.map((o) => expandVars(o, vars, { file: source.file, line: source.lineOf(['workload', 'dd']), field: 'workload.dd' }));
  const out: Scenario = { seed: seed as number | string, description: description as string, devices, volumes, targets, params, workload, file: source.file };
  if (stack !== undefined) out.stack = stack;
  if (Object.keys(vars).length > 0) out.vars = vars;
  return out;
}

function validateWorkload(
  loaded: LoadedScenario,
  w: Obj,
  fail: (p: KeyPath, why: string) => never,
  onlyKeys: (o: Obj, p: KeyPath, allowed: readonly string[]) => void,
  obj: (v: unknown, p: KeyPath) => Obj,
): WorkloadSpec {
  const { source, dir } = loaded;
  onlyKeys(w, ['workload'], ['fio', 'dd', 'trace', 'shell', 'trees']);
  if (w.trees !== undefined && w.shell === undefined) fail(['workload', 'trees'], 'trees are the sources of a shell workload\'s cp -r');
  const kinds = Object.keys(w).filter((k) => k !== 'trees');
  if (kinds.length !== 1) fail(['workload'], `give exactly one of fio, dd, trace, shell (got ${kinds.join(', ') || 'none'})`);
  if (w.shell !== undefined) return validateShellWorkload(loaded, w, fail);
  if (w.fio !== undefined) {
    const p = ['workload', 'fio'];
    if (typeof w.fio !== 'string') fail(p, 'must be a job file: inline text or a path');
    const text = w.fio as string;
    if (text.includes('\n') || text.trimStart().startsWith('[')) {
      return { kind: 'fio', text, source: source.file, firstLine: source.textLineOf(p) ?? 1 };
    }
    const file = path.resolve(dir, text.trim());
    let body: string;
    try {
      body = decodeTextFile(fs.readFileSync(file), path.relative(process.cwd(), file) || file, 'a fio job file');
    } catch (err) {
      if (err instanceof InputError) throw err;
      return fail(p, `cannot read job file ${text.trim()}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    return { kind: 'fio', text: body, source: path.relative(process.cwd(), file) || file, firstLine: 1 };
  }
  if (w.dd !== undefined) {
    const p = ['workload', 'dd'];
    if (typeof w.dd === 'string') return { kind: 'dd', operands: w.dd.trim().split(/\s+/).filter((x) => x !== 'dd') };
    if (Array.isArray(w.dd) && w.dd.every((x) => typeof x === 'string')) return { kind: 'dd', operands: w.dd as string[] };
    return fail(p, 'must be dd operands, e.g. "if=/dev/zero of=base bs=1M count=1000"');
  }
  const p = ['workload', 'trace'];
  const t = obj(w.trace, p);
  onlyKeys(t, p, ['file', 'format', 'device', 'from', 'mode', 'iodepth', 'speed']);
  if (typeof t.file !== 'string') fail([...p, 'file'], 'must be the path of the trace');
  const format = t.format ?? 'blkparse';
  if (!['blkparse', 'disksim', 'msr', 'fiu'].includes(format as string)) fail([...p, 'format'], `must be blkparse, disksim, msr or fiu, got ${describe(format)}`);
  if (typeof t.device !== 'string') fail([...p, 'device'], 'must name the device, volume or target to replay on');
  const mode = t.mode ?? 'timed';
  if (mode !== 'timed' && mode !== 'closed') fail([...p, 'mode'], `must be timed or closed, got ${describe(mode)}`);
  const iodepth = t.iodepth ?? 1;
  if (!(Number.isInteger(iodepth) && (iodepth as number) >= 1 && (iodepth as number) <= MAX_IODEPTH)) {
    fail([...p, 'iodepth'], `must be an integer from 1 to ${MAX_IODEPTH}, got ${describe(iodepth)}`);
  }
  const speed = t.speed ?? 1;
  if (!(typeof speed === 'number' && Number.isFinite(speed) && speed > 0)) fail([...p, 'speed'], `must be a finite number > 0 (2 replays twice as fast), got ${describe(speed)}`);
  let from: string | number | undefined;
  if (t.from !== undefined) {
    if (format === 'blkparse' || format === 'fiu') {
      // blkparse prints major,minor (FIU traces give the two numbers as fields); dmsetup and
      // /proc/partitions people copy from say 8:16.
      const m = typeof t.from === 'string' ? /^\s*(\d+)\s*[,:]\s*(\d+)\s*$/.exec(t.from) : null;
      if (m === null) fail([...p, 'from'], `must be the traced device as ${format === 'fiu' ? 'the trace' : 'blkparse'} names it, major,minor (e.g. "8,16"), got ${describe(t.from)}`);
      from = `${Number(m![1])},${Number(m![2])}`;
    } else {
      if (!(Number.isSafeInteger(t.from) && (t.from as number) >= 0)) fail([...p, 'from'], `must be the ${format === 'msr' ? 'DiskNumber' : 'devno'} to replay (a whole number), got ${describe(t.from)}`);
      from = t.from as number;
    }
  }
  return {
    kind: 'trace',
    file: path.resolve(dir, t.file as string),
    format: format as TraceFormat,
    device: t.device as string,
    ...(from === undefined ? {} : { from }),
    mode,
    iodepth: iodepth as number,
    speed: speed as number,
  };
}

/** Requests a trace replay keeps in flight at most (fio's own iodepth limit). */
const MAX_IODEPTH = 65536;

function describe(v: unknown): string {
  return describeValue(v);
}
