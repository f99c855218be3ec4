// The engine's event classes under tsx. tsx compiles with esbuild's keepNames, which redefines
// each class's `name` after the class is built; V8 then keeps that constructor in dictionary
// mode, and `new` of a subclass (Timeout, Process, Request...) stops being optimised
// (docs/engine.md, "Runners"). The event family declares `static get name()`, which keepNames
// leaves alone. Checked in V8 itself (%HasFastProperties), not by timing, beside a control
// class without the getter, loaded the same way, which comes out in dictionary mode (should
// a later V8 keep it fast, the test skips: the effect is gone).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Condition, Process, Request, Resource, SimEvent, Simulation, SimulationError, Timeout } from '../../kernel-lib/sim/index.js';
import { SpinWait } from '../../kernel-lib/sim/cpu.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FAMILY = ['SimEvent', 'Timeout', 'Condition', 'Process', 'Request', 'SpinWait'];

describe('sim: event classes under keepNames (tsx)', () => {
  it('keep their constructors in fast mode under tsx, where a class without the getter does not', function () {
    const dir = mkdtempSync(join(tmpdir(), 'dmsim-keep-names-'));
    try {
      const probe = join(dir, 'probe.ts');
      const sim = pathToFileURL(join(root, 'kernel-lib', 'sim', 'index.ts')).href;
      const cpu = pathToFileURL(join(root, 'kernel-lib', 'sim', 'cpu.ts')).href;
      writeFileSync(
        probe,
        `import * as sim from ${JSON.stringify(sim)};
import { SpinWait } from ${JSON.stringify(cpu)};
class Control extends sim.SimEvent {}
const classes: Record<string, Function> = { ...sim, SpinWait, Control };
const out: Record<string, boolean> = {};
for (const name of ${JSON.stringify([...FAMILY, 'Control'])}) out[name] = isFast(classes[name]);
console.log(JSON.stringify(out));
`,
      );
      // %HasFastProperties is V8 syntax that no TypeScript transform accepts: define it in
      // plain JavaScript, evaluated before the probe.
      const out = execFileSync(
        process.execPath,
        ['--allow-natives-syntax', '--import', 'tsx', '--eval', `globalThis.isFast = (f) => %HasFastProperties(f); await import(${JSON.stringify(pathToFileURL(probe).href)});`, '--input-type=module'],
        { cwd: root, encoding: 'utf8' },
      );
      const fast = JSON.parse(out.trim().split('\n').pop() as string) as Record<string, boolean>;
      // A V8 that keeps a renamed class fast has nothing left to guard against: say so, not fail.
      if (fast.Control) this.skip();
      for (const name of FAMILY) expect(fast[name], `${name} under tsx`).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still report their own names, in messages too', () => {
    const sim = new Simulation();
    const classes = { SimEvent, Timeout, Condition, Process, Request, SpinWait } as Record<string, Function>;
    for (const name of FAMILY) expect(classes[name]!.name).to.equal(name);
    const t = sim.timeout(5);
    expect(t.constructor.name).to.equal('Timeout');
    expect(() => t.succeed()).to.throw(SimulationError, 'event Timeout has already been triggered');
    const req = new Resource(sim).request();
    expect(req.constructor.name).to.equal('Request');
    // A user's subclass gets its own name as usual, not the getter of the class it extends.
    class MyEvent extends Timeout {}
    expect(MyEvent.name).to.equal('MyEvent');
  });
});
