import { expect } from 'chai';
import { inputErrorOf as error } from '../helpers/input-error.js';
import { loadScenario } from '../../kernel-lib/scenario/run.js';
import { parseScenarioText } from '../../kernel-lib/scenario/load.js';
import { validateScenario } from '../../kernel-lib/scenario/schema.js';
import { parseBlockOptions } from '../../kernel-lib/block/options.js';

function check(text: string) {
  return validateScenario(parseScenarioText(text, 'bad.yaml'));
}

const OK = `seed: 3
devices:
  sda: { profile: hdd-2019, write_cache: false }
  sdb: ssd-sata-2019
volumes:
  base: { device: sda, size: 8G }
targets:
  lin: |
    0 1024 linear base 0
params:
  block: { nr_requests: 64 }
  kernel: "2.6.21"
workload:
  fio: |
    [j]
    filename=lin
`;

describe('scenario/schema', () => {
  it('reads a full scenario: shorthand devices, overrides, nested params flattened', () => {
    const s = check(OK);
    expect(s.seed).to.equal(3);
    expect(s.devices.sda).to.deep.equal({ profile: 'hdd-2019', overrides: { write_cache: false }, backing: undefined });
    expect(s.devices.sdb.profile).to.equal('ssd-sata-2019');
    expect(s.volumes.base).to.deep.include({ device: 'sda', size: '8G' });
    expect(s.targets.lin).to.deep.equal({ table: '0 1024 linear base 0\n', line: 9 });
    expect(s.params).to.deep.equal({ 'block.nr_requests': 64, kernel: '2.6.21' });
    expect(s.workload).to.deep.include({ kind: 'fio', firstLine: 15 });
  });

  it('names an unknown key with its path and line', () => {
    const e = error(() => check(OK.replace('  base: { device: sda, size: 8G }', '  base: { device: sda, sise: 8G }')));
    expect(e.message).to.equal('bad.yaml:6: volumes.base.sise: unknown key (expected one of: device, offset, size)');
    expect(error(() => check(`${OK}extra: 1\n`)).message).to.match(/^bad\.yaml:17: extra: unknown key \(expected one of: seed, description/);
    expect(error(() => check(OK.replace('workload:\n  fio', 'workload:\n  fi0'))).message).to.match(/^bad\.yaml:14: workload\.fi0: unknown key/);
  });

  it('rejects reused names, missing parts and bad values with their paths', () => {
    expect(error(() => check(OK.replace('  lin: |', '  base: |'))).message).to.match(/^bad\.yaml:8: targets\.base: the name 'base' is already used in volumes/);
    expect(error(() => check('devices: {}\nworkload: { dd: "bs=1M" }')).field).to.equal('devices');
    expect(error(() => check('devices: { a: ram }')).message).to.match(/workload: a workload is needed/);
    expect(error(() => check('devices: { a: ram }\nworkload: { dd: x, fio: y }')).message).to.match(/exactly one of fio, dd, trace/);
    expect(error(() => check('devices: { a: ram }\nworkload:\n  trace: { file: t, device: a, mode: fast }')).message)
      .to.match(/^bad\.yaml:3: workload\.trace\.mode: must be timed or closed/);
    expect(error(() => check('devices:\n  a: { overrides: 1 }\nworkload: { dd: x }')).field).to.equal('devices.a.profile');
  });

  it('reads JSON scenarios the same way, with lines', () => {
    const json = '{\n  "devices": { "sda": "ram" },\n  "workload": { "dd": "of=sda bs=4k count=1" },\n  "sede": 1\n}\n';
    expect(error(() => check(json)).message).to.match(/^bad\.yaml:4: sede: unknown key/);
    expect(check(json.replace('"sede"', '"seed"')).workload).to.deep.equal({ kind: 'dd', operands: ['of=sda', 'bs=4k', 'count=1'] });
  });

  it('reports YAML syntax errors with their line', () => {
    const e = error(() => check('devices:\n  a: ram\n   b: [\n'));
    expect(e.file).to.equal('bad.yaml');
    expect(e.line).to.be.a('number');
  });

  it('checks params: unknown names are errors with their path, --set overrides win', () => {
    const obj = { devices: { a: 'ram' }, params: { blok: { nr_requests: 4 } }, workload: { dd: 'of=a bs=4k count=1' } };
    expect(error(() => loadScenario(obj)).message).to.match(/^<scenario>: blok\.nr_requests: unknown parameter/);
    const { scenario } = loadScenario({ ...obj, params: { block: { nr_requests: 4 } } }, { set: { 'block.nr_requests': 64, seed: 9, 'cpu.cores': 8 } });
    expect(scenario.params).to.deep.equal({ 'block.nr_requests': 64, 'cpu.cores': 8 });
    expect(scenario.seed).to.equal(9);
    const dev = loadScenario({ ...obj, params: {} }, { set: { 'devices.a.capacity_mib': 64 } }).scenario.devices.a;
    expect(dev).to.deep.equal({ profile: 'ram', overrides: { capacity_mib: 64 }, backing: undefined });
    expect(error(() => loadScenario({ ...obj, params: {} }, { set: { 'cpu.cores': 0 } })).message).to.match(/cpu\.cores: expected an integer from 1 to 8192/);
  });

  it('refuses seeds and speeds that are not finite, and counts beyond 2^53, saying what was given', () => {
    const dd = 'devices: { a: ram }\nworkload: { dd: of=a }\n';
    expect(error(() => check(`seed: .nan\n${dd}`)).message).to.equal('bad.yaml:1: seed: must be a finite number or a string, got .nan (not a number)');
    expect(error(() => check(`seed: 1e400\n${dd}`)).message).to.match(/^bad\.yaml:1: seed: must be a finite number or a string, got \.inf \(infinite/);
    expect(error(() => check(`seed: 18446744073709551616\n${dd}`)).message).to.match(/^bad\.yaml:1: seed: 18446744073709552000 is beyond 2\^53/);
    const trace = (k: string) => `devices: { a: ram }\nworkload:\n  trace: { file: t, device: a, ${k} }\n`;
    expect(error(() => check(trace('speed: .inf'))).message).to.match(/^bad\.yaml:3: workload\.trace\.speed: must be a finite number > 0 .*got \.inf/);
    expect(error(() => check(trace('speed: .nan'))).message).to.match(/workload\.trace\.speed: must be a finite number > 0 .*got \.nan/);
    expect(error(() => check(trace('iodepth: 1e300'))).message).to.match(/workload\.trace\.iodepth: must be an integer from 1 to 65536, got 1e\+300/);
  });

  it('bounds machine-size params: cpu.cores up to NR_CPUS, integers within 2^53', () => {
    const sc = (params: string) => `devices: { a: ram }\nparams: { ${params} }\nworkload: { dd: of=a }\n`;
    expect(error(() => loadScenario(parseScenarioText(sc('cpu: { cores: 100000000 }'), 'bad.yaml').data as object)).message)
      .to.equal('<scenario>: cpu.cores: expected an integer from 1 to 8192 (NR_CPUS), got 100000000');
    expect(() => parseBlockOptions({ nr_requests: 1e300 })).to.throw(/block\.nr_requests: expected an integer >= 4 .*got 1e\+300/);
  });
});
