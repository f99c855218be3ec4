// Why esbuild's keepNames (tsx) slowed the engine: one base class and one subclass, shaped like
// SimEvent and Timeout, in each way a class can be given its name. Each variant runs in a
// process of its own, so one variant's type feedback cannot slow another. Reports ns per
// `new Sub`, `new Base` and `x instanceof Base`, and whether V8 keeps the constructors in
// fast mode (docs/engine.md, "Runners").
//   node --import ./bin/register-ts.mjs bench/keep-names.ts   ->  one JSON line per variant
// This file goes through the project's loader (no keepNames): the renaming is written out.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What esbuild's keepNames emits in front of a class body: `static { __name(this, "X") }`. */
const __name = (target: Function, value: string) => Object.defineProperty(target, 'name', { value, configurable: true });

type Pair = { Base: new (s: number) => { s: number }; Sub: new (s: number) => { s: number } };

const VARIANTS: Record<string, () => Pair> = {
  // As written, through a transform without keepNames.
  plain: () => {
    class Base { declare s: number; declare a: number; declare b: null; constructor(s: number) { this.s = s; this.a = 0; this.b = null; } }
    class Sub extends Base { declare d: number; constructor(s: number) { super(s); this.d = 1; } }
    return { Base, Sub };
  },
  // What tsx runs.
  keepNames: () => {
    class Base { static { __name(this, 'Base'); } declare s: number; declare a: number; declare b: null; constructor(s: number) { this.s = s; this.a = 0; this.b = null; } }
    class Sub extends Base { static { __name(this, 'Sub'); } declare d: number; constructor(s: number) { super(s); this.d = 1; } }
    return { Base, Sub };
  },
  // A static block by itself.
  emptyStaticBlock: () => {
    class Base { static {} declare s: number; declare a: number; declare b: null; constructor(s: number) { this.s = s; this.a = 0; this.b = null; } }
    class Sub extends Base { static {} declare d: number; constructor(s: number) { super(s); this.d = 1; } }
    return { Base, Sub };
  },
  // A static block that adds some other property to the constructor.
  staticOtherProperty: () => {
    class Base { static { (this as any).tag = 1; } declare s: number; declare a: number; declare b: null; constructor(s: number) { this.s = s; this.a = 0; this.b = null; } }
    class Sub extends Base { static { (this as any).tag = 2; } declare d: number; constructor(s: number) { super(s); this.d = 1; } }
    return { Base, Sub };
  },
  // The name redefined after the class, no static block: as slow as keepNames.
  renamedAfter: () => {
    class Base { declare s: number; declare a: number; declare b: null; constructor(s: number) { this.s = s; this.a = 0; this.b = null; } }
    class Sub extends Base { declare d: number; constructor(s: number) { super(s); this.d = 1; } }
    __name(Base, 'Base');
    __name(Sub, 'Sub');
    return { Base, Sub };
  },
  // The fix: a static name getter, which keepNames leaves alone.
  nameGetter: () => {
    class Base {
      // @ts-ignore TS2699 in the notebook kernel's TypeScript
      static get name(): string { return 'Base'; }
      declare s: number; declare a: number; declare b: null; constructor(s: number) { this.s = s; this.a = 0; this.b = null; }
    }
    class Sub extends Base {
      // @ts-ignore TS2699 in the notebook kernel's TypeScript
      static override get name(): string { return 'Sub'; }
      declare d: number; constructor(s: number) { super(s); this.d = 1; }
    }
    return { Base, Sub };
  },
};

function nsPerOp(n: number, body: (n: number) => unknown): number {
  body(n / 10); // warm up: optimised code, or the attempt at it
  const t0 = performance.now();
  body(n);
  return ((performance.now() - t0) * 1e6) / n;
}

function measure(variant: string): object {
  const { Base, Sub } = VARIANTS[variant]!();
  const n = 5_000_000;
  let sink: unknown;
  const newSub = nsPerOp(n, (k) => { for (let i = 0; i < k; i++) sink = new Sub(i); return sink; });
  const newBase = nsPerOp(n, (k) => { for (let i = 0; i < k; i++) sink = new Base(i); return sink; });
  const objs: unknown[] = [new Sub(1), {}, new Base(2), []];
  const isA = nsPerOp(n, (k) => { let c = 0; for (let i = 0; i < k; i++) if (objs[i & 3] instanceof Base) c++; return c; });
  const fast = (globalThis as { isFast?: (f: unknown) => boolean }).isFast;
  return {
    name: 'keep_names.ns_per_op',
    variant,
    new_subclass_ns: Number(newSub.toFixed(1)),
    new_base_ns: Number(newBase.toFixed(1)),
    instanceof_ns: Number(isA.toFixed(1)),
    sub_constructor_fast_mode: fast ? fast(Sub) : null,
    base_constructor_fast_mode: fast ? fast(Base) : null,
    names: `${Base.name}/${Sub.name}`,
  };
}

export async function run(): Promise<object[]> {
  const self = fileURLToPath(import.meta.url);
  const loader = fileURLToPath(new URL('../bin/register-ts.mjs', import.meta.url));
  return Object.keys(VARIANTS).map((v) => {
    // %HasFastProperties is V8 syntax no TypeScript transform accepts: defined in plain
    // JavaScript before this file is imported.
    const out = execFileSync(
      process.execPath,
      ['--allow-natives-syntax', '--import', loader, '--input-type=module', '--eval', `globalThis.isFast = (f) => %HasFastProperties(f); const m = await import(${JSON.stringify(self)}); console.log(JSON.stringify(m.measureVariant(${JSON.stringify(v)})));`],
      { encoding: 'utf8' },
    );
    return JSON.parse(out.trim().split('\n').pop() as string) as object;
  });
}

export function measureVariant(variant: string): object {
  return measure(variant);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(JSON.stringify(r));
}
