// Target types, as the kernel's dm_register_target() keeps them: each target type registers a
// descriptor (struct target_type) under its name ("linear", "snapshot", later "clone",
// "dedup", "vdo"...): its constructor and the parameter namespaces it reads. A table line
// names the type it wants; an unknown type is an error naming the line, the field and the
// types that exist. The constructed target (struct dm_target) carries the rest of the
// target_type's operations: map, status (`dmsetup status`), message (`dmsetup message`),
// preresume I/O (`ready`), suspend and resume.
//
// The layers above name no target type: the scenario layer asks this registry which
// parameter namespaces exist (so `clone.x: 1` is an unknown parameter until a clone target
// registers `clone`), waits on each target's `ready` and prints each target's status.
import type { Bio } from '../block/bio.js';
import type { BlockDevice } from '../block/device.js';
import type { ProcessGenerator, SimEvent, Simulation } from '../sim/index.js';
import { CpuSet } from '../sim/cpu.js';
import type { DmCoreCosts } from './core-costs.js';
import { InputError } from '../base/input-error.js';
import { parseSectors, type TableLine } from './table.js';

/** A constructed target: struct dm_target with its type's map function. */
export interface DmTarget {
  readonly type: string;
  /**
   * The map function. `clone` is dm core's clone of (a piece of) the bio, its sector still in
   * the mapped device's address space (use `clone.sector - begin` for the offset in the
   * target). Remap it and return the device to submit it to (DM_MAPIO_REMAPPED), or take
   * charge of it (submit or complete it yourself) and return null (DM_MAPIO_SUBMITTED).
   */
  map(clone: Bio): ProcessGenerator<BlockDevice | null>;
  /**
   * The same map function for a target whose map never sleeps (dm-linear), as a plain call:
   * dm core uses it when present, sparing the generator frames of `map` on every bio.
   */
  mapSync?(clone: Bio): BlockDevice | null;
  /** Longest bio the target accepts (max_io_len, in sectors); dm core splits longer ones. */
  readonly maxIoLen?: number;
  /**
   * The discard queue limits of a target that takes discards whole (dm-clone handles
   * whole-region ranges itself): discards are then cut only at these limits (the block
   * layer's blk_bio_discard_split) and at the target's end, never at max_io_len. Targets
   * without it keep the model's older behaviour: discards cut at max_io_len like any bio.
   */
  readonly discardLimits?: DiscardLimits;
  /** The devices the target sits on (for `dmsetup deps` and per-device statistics). */
  readonly devices: readonly BlockDevice[];
  /** `dmsetup status` information, target-specific, as named fields (results and notebooks). */
  status?(): Record<string, unknown>;
  /** The status line as `dmsetup status` prints it after `<start> <length> <type>`. */
  statusLine?(): string;
  /**
   * Whether the target still works; a target that stopped (a snapshot whose COW device
   * filled up) says why in a sentence the run prints as a warning.
   */
  health?(): TargetHealth;
  /**
   * Simulated I/O the constructor started and the device must finish before it is used (the
   * kernel's preresume: a persistent snapshot reads its header, clone its metadata). Null or
   * absent when there is none.
   */
  readonly ready?: SimEvent<unknown> | null;
  /** `dmsetup message <dev> 0 <words...>`; returns what the kernel would print, or throws an InputError. */
  message?(words: readonly string[]): string | void;
  /**
   * After a power cut (block/power-cut.ts; the devices now read what reached their media):
   * re-open the target's metadata from the media, as its constructor would on the next boot,
   * and check it (docs/power-cut.md). Targets without persistent state leave it out.
   */
  recoverAfterPowerCut?(): PowerCutRecovery;
  /** `dmsetup suspend`: stop taking new I/O and finish what is in flight (presuspend/postsuspend). */
  suspend?(): ProcessGenerator<void>;
  /** `dmsetup resume` (preresume/resume). */
  resume?(): ProcessGenerator<void>;
}

/** queue_limits' max_discard_sectors and discard_granularity, in sectors. */
export interface DiscardLimits {
  readonly maxSectors: number;
  readonly granularity: number;
}

export interface TargetHealth {
  /** `ok`, or the state `dmsetup status` shows for a target that stopped (e.g. `Invalid`). */
  state: string;
  /** For a target that stopped: what happened, as one sentence. */
  warning?: string;
}

/** What a target found when it re-opened its metadata after a power cut. */
export interface PowerCutRecovery {
  /** The metadata (and what it promises of the data) hold together: the check found no problem. */
  consistent: boolean;
  /** Each problem the check found, one sentence each (empty when consistent). */
  problems: string[];
  /** What the cut lost, in the target's terms (commits, mappings...), as numbers or words. */
  lost: Record<string, number | string>;
  /** What the re-opened target holds (generation, mappings...). */
  recovered: Record<string, number | string>;
  /** One sentence for the run's text output. */
  summary: string;
}

/** What a constructor may use from the stack being built. */
export interface TargetContext {
  readonly sim: Simulation;
  readonly cpus: CpuSet | null;
  /** Finds a device by the name a table uses: "sdb", "/dev/sdb", "/dev/mapper/base", "vg/lv". */
  lookupDevice(name: string): BlockDevice | undefined;
  /** Model parameters by dotted path (`snapshot.locking`), from the scenario's `params`. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Name of the mapped device being built (for naming threads, streams and statistics). */
  readonly deviceName: string;
  /** dm core's CPU per bio (core-costs.ts): every device a scenario builds pays it; absent in target unit tests. */
  readonly dmCore?: DmCoreCosts;
}

/**
 * The machine's CPUs, for a target that runs kernel threads (kcopyd's worker, dedup's
 * worker). A stack built without a CPU model (tests, plain simulations) still needs one: a
 * set of `fallbackCores` per simulation, shared by every target that asks.
 */
const fallbackCpus = new WeakMap<Simulation, CpuSet>();
export function targetCpus(ctx: TargetContext, fallbackCores: number): CpuSet {
  if (ctx.cpus !== null) return ctx.cpus;
  let c = fallbackCpus.get(ctx.sim);
  if (c === undefined) fallbackCpus.set(ctx.sim, (c = new CpuSet(ctx.sim, { cores: fallbackCores })));
  return c;
}

export type TargetConstructor = (ctx: TargetContext, line: TableLine, args: TargetArgs) => DmTarget;

/**
 * A namespace of model parameters (`snapshot.*`, `kcopyd.*`) and its parser. The parser sees
 * all of a scenario's params (it may read `kernel` for era defaults) and throws an InputError
 * whose field is the offending key (`snapshot.locking`) for an unknown key or a bad value.
 */
export interface ParamNamespace {
  readonly name: string;
  parse(params: Readonly<Record<string, unknown>>): unknown;
}

/** struct target_type: what a target type registers. */
export interface TargetType {
  readonly name: string;
  readonly ctr: TargetConstructor;
  /** The parameter namespaces its constructor reads (its own and shared ones like kcopyd). */
  readonly params?: readonly ParamNamespace[];
}

const registry = new Map<string, TargetType>();
const namespaces = new Map<string, ParamNamespace>();

/** dm_register_target(): adds a target type; registering a name twice is a programming error. */
export function registerTarget(type: TargetType): void {
  if (registry.has(type.name)) throw new Error(`dm target type '${type.name}' is already registered`);
  registry.set(type.name, type);
  for (const ns of type.params ?? []) registerParamNamespace(ns);
}

/** Adds a parameter namespace (a target type's, or a shared service's such as kcopyd). */
export function registerParamNamespace(ns: ParamNamespace): void {
  const known = namespaces.get(ns.name);
  if (known !== undefined && known !== ns) throw new Error(`parameter namespace '${ns.name}' is already registered`);
  namespaces.set(ns.name, ns);
}

/** The parameter namespaces of the registered target types, by name. */
export function paramNamespaces(): ParamNamespace[] {
  return [...namespaces.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function targetTypes(): string[] {
  return [...registry.keys()].sort();
}

export function targetType(name: string): TargetType | undefined {
  return registry.get(name);
}

/** Builds the target a table line asks for. */
export function constructTarget(ctx: TargetContext, line: TableLine, source?: string): DmTarget {
  const type = registry.get(line.target);
  if (type === undefined) {
    throw new InputError(`unknown target type '${line.target}' (known: ${targetTypes().join(', ')})`, {
      file: source,
      line: line.line,
      field: 'target',
    });
  }
  return type.ctr(ctx, line, new TargetArgs(ctx, line, source));
}

/**
 * A table line's arguments with typed accessors whose errors name the line and the argument,
 * the way the kernel's constructors set ti->error ("dm-linear: Invalid device sector").
 */
export class TargetArgs {
  constructor(
    private readonly ctx: TargetContext,
    readonly line: TableLine,
    readonly source: string | undefined,
  ) {}

  get count(): number {
    return this.line.args.length;
  }

  error(reason: string, field?: string): InputError {
    return new InputError(`${this.line.target}: ${reason}`, { file: this.source, line: this.line.line, field });
  }

  /** Requires between min and max arguments; `names` are used in the message. */
  expectCount(min: number, max: number, names: readonly string[]): void {
    const n = this.count;
    if (n < min) throw this.error(`missing argument <${names[n] ?? `#${n + 1}`}> (expects ${names.map((x) => `<${x}>`).join(' ')})`, names[n]);
    if (n > max) throw this.error(`too many arguments: ${n} given, at most ${max} (${names.map((x) => `<${x}>`).join(' ')})`);
  }

  word(i: number, name: string): string {
    const w = this.line.args[i];
    if (w === undefined) throw this.error(`missing argument <${name}>`, name);
    return w;
  }

  sectors(i: number, name: string): number {
    return parseSectors(this.word(i, name), name, { file: this.source, line: this.line.line });
  }

  integer(i: number, name: string, min = 0): number {
    const w = this.word(i, name);
    if (!/^\d+$/.test(w) || Number(w) < min) throw this.error(`<${name}> must be an integer >= ${min}, got '${w}'`, name);
    return Number(w);
  }

  device(i: number, name: string): BlockDevice {
    const w = this.word(i, name);
    const dev = this.ctx.lookupDevice(w);
    if (dev === undefined) throw this.error(`<${name}>: no device '${w}' in this stack`, name);
    return dev;
  }

  oneOf<T extends string>(i: number, name: string, choices: readonly T[]): T {
    const w = this.word(i, name);
    if (!(choices as readonly string[]).includes(w)) throw this.error(`<${name}> must be one of ${choices.join(', ')}, got '${w}'`, name);
    return w as T;
  }
}
