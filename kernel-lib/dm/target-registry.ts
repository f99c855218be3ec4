// Target types, as the kernel's dm_register_target() keeps them: each target type registers a
// constructor under its name ("linear", later "snapshot", "clone", "dedup", "vdo"...), and a
// table line names the type it wants. An unknown type is an error naming the line, the field
// and the types that exist.
import type { Bio } from '../block/bio.js';
import type { BlockDevice } from '../block/device.js';
import type { ProcessGenerator, Simulation } from '../sim/index.js';
import type { CpuSet } from '../sim/cpu.js';
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
  /** The devices the target sits on (for `dmsetup deps` and per-device statistics). */
  readonly devices: readonly BlockDevice[];
  /** `dmsetup status` information, target-specific. */
  status?(): Record<string, unknown>;
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
}

export type TargetConstructor = (ctx: TargetContext, line: TableLine, args: TargetArgs) => DmTarget;

const registry = new Map<string, TargetConstructor>();

/** dm_register_target(): adds a target type; registering a name twice is a programming error. */
export function registerTarget(name: string, ctor: TargetConstructor): void {
  if (registry.has(name)) throw new Error(`dm target type '${name}' is already registered`);
  registry.set(name, ctor);
}

export function targetTypes(): string[] {
  return [...registry.keys()].sort();
}

/** Builds the target a table line asks for. */
export function constructTarget(ctx: TargetContext, line: TableLine, source?: string): DmTarget {
  const ctor = registry.get(line.target);
  if (ctor === undefined) {
    throw new InputError(`unknown target type '${line.target}' (known: ${targetTypes().join(', ')})`, {
      file: source,
      line: line.line,
      field: 'target',
    });
  }
  return ctor(ctx, line, new TargetArgs(ctx, line, source));
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
