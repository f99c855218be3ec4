import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inputErrorOf as error } from '../helpers/input-error.js';
import { loadScenario } from '../../kernel-lib/scenario/run.js';

const BASE = `seed: 1
devices:
  ram0: ram
workload:
  dd: if=/dev/zero of=ram0 bs=4k count=1
`;

// Keys that reach JavaScript's object machinery instead of naming data: each is refused with
// its path, whether it comes from a scenario file, an object or a --set path, and nothing of
// Object.prototype changes on the way.
describe('scenario/key-safety', () => {
  afterEach(() => {
    expect(Object.prototype).to.not.have.property('x');
    expect(Object.prototype).to.not.have.property('polluted');
    expect({}.constructor).to.equal(Object);
  });

  for (const path of ['devices.__proto__.x', 'params.__proto__.polluted', 'block.__proto__', 'constructor', 'devices.ram0.constructor', 'prototype.x', 'cpu.prototype']) {
    it(`--set ${path}=1 is refused with its path`, () => {
      const e = error(() => loadScenario({ devices: { ram0: 'ram' }, workload: { dd: 'of=ram0 bs=4k count=1' } }, { set: { [path]: 1 } }));
      expect(e.message).to.include(path);
      expect(e.message).to.match(/cannot be used as a key/);
    });
  }

  for (const name of ['__proto__', 'constructor', 'prototype']) {
    it(`a device called ${name} in a file is refused at its line`, () => {
      const text = BASE.replace(/ram0/g, name);
      const file = path.join(os.tmpdir(), `dmsim-key-safety-${process.pid}-${name}.yaml`);
      fs.writeFileSync(file, text);
      try {
        const e = error(() => loadScenario(file));
        expect(e.message).to.equal(`${file}:3: devices.${name}: '${name}' cannot be used as a key or name (it would reach JavaScript's object prototype)`);
      } finally {
        fs.rmSync(file);
      }
    });
  }

  it('a dotted key in params is checked segment by segment', () => {
    const e = error(() => loadScenario({ devices: { ram0: 'ram' }, params: { 'block.__proto__.x': 1 }, workload: { dd: 'of=ram0 bs=4k count=1' } }));
    expect(e.field).to.equal('params.block.__proto__.x');
  });

  it('a key in a nested object given from a notebook is refused too', () => {
    const data = JSON.parse('{"devices": {"ram0": {"profile": "ram", "__proto__": {"x": 1}}}, "workload": {"dd": "of=ram0 bs=4k count=1"}}');
    expect(error(() => loadScenario(data)).field).to.equal('devices.ram0.__proto__');
  });
});
