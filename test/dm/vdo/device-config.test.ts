// The vdo table line: the kernel's error texts (dm-vdo-target.c parse_device_config,
// process_one_thread_config_spec; slab-depot.c for the slab count), each with the table line.
import { expect } from 'chai';
import { InputError } from '../../../kernel-lib/base/input-error.js';
import { createMappedDevice } from '../../../kernel-lib/dm/index.js';
import '../../../kernel-lib/dm/vdo/index.js';
import { makeThreadConfig } from '../../../kernel-lib/dm/vdo/index.js';
import { CpuSet } from '../../../kernel-lib/sim/cpu.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { FakeDevice } from '../fake-device.js';

function ctr(args: string, storageBlocks = 262144, params: Record<string, unknown> = {}) {
  const sim = new Simulation({ seed: 1 });
  const storage = new FakeDevice(sim, 'store', storageBlocks * 8);
  const ctx = { sim, cpus: new CpuSet(sim, { cores: 2 }), params, deviceName: 'v', lookupDevice: (d: string) => (d === 'store' ? storage : undefined) };
  return () => createMappedDevice(ctx, `0 2097152 vdo ${args}`, { file: 't.yaml', line: 3 });
}

function reason(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(InputError);
    return (e as InputError).message;
  }
  throw new Error('no error');
}

describe('dm/vdo table line', () => {
  it('accepts the documented example and builds its thread config', () => {
    expect(() => ctr('V4 store 262144 4096 32768 16380', 262144, { 'vdo.slabSizeMb': 64 })()).not.to.throw();
    expect(() => ctr('V4 store 262144 512 65550 5000 hash 1 logical 3 physical 2', 262144, { 'vdo.slabSizeMb': 64 })()).not.to.throw();
    const tc = makeThreadConfig({ ack: 1, bio: 4, bioRotationInterval: 64, cpu: 2, hash: 1, logical: 3, physical: 2 });
    expect(tc.names).to.deep.equal(['journalQ', 'packerQ', 'logQ0', 'logQ1', 'logQ2', 'physQ0', 'physQ1', 'hashQ0', 'dedupeQ', 'ackQ', 'cpuQ', 'bioQ0', 'bioQ1', 'bioQ2', 'bioQ3']);
    expect(makeThreadConfig({ ack: 0, bio: 1, bioRotationInterval: 64, cpu: 1, hash: 0, logical: 0, physical: 0 }).names).to.deep.equal(['reqQ', 'dedupeQ', 'cpuQ', 'bioQ0']);
  });

  it('a wrong version: Unknown version number detected, with the table line', () => {
    const m = reason(ctr('V5 store 262144 4096 32768 16380'));
    expect(m).to.contain('t.yaml:3');
    expect(m).to.contain('vdo: Unknown version number detected');
    expect(m).to.contain('table line: 0 2097152 vdo V5 store 262144 4096 32768 16380');
    expect(reason(ctr('V4 store 262144 4096 32768'))).to.contain('Incorrect number of arguments for version');
  });

  it('zone counts beyond the maxima (60 logical, 16 physical)', () => {
    const m = reason(ctr('V4 store 262144 4096 262144 16380 hash 1 logical 61 physical 1'));
    expect(m).to.contain("Invalid optional argument configuration (thread config string error: at most 60 'logical' threads are allowed)");
    expect(m).to.contain('logical 61 physical 1');
    expect(reason(ctr('V4 store 262144 4096 32768 16380 hash 1 logical 1 physical 17'))).to.contain("at most 16 'physical' threads are allowed");
    expect(reason(ctr('V4 store 262144 4096 32768 16380 hash 1 logical 1'))).to.contain('Logical, physical, and hash zones counts must all be zero or all non-zero');
    expect(reason(ctr('V4 store 262144 4096 32768 16380 hash 1 logical 9 physical 1'))).to.contain('Insufficient block map cache for logical zones');
  });

  it('a storage device smaller than the slabs need: the slab depot refuses the zone count', () => {
    // 1 GiB of storage with 2 GiB slabs holds no slab.
    const m = reason(ctr('V4 store 262144 4096 32768 16380'));
    expect(m).to.contain('1 physical zones exceeds slab count 0');
    expect(m).to.contain('table line: 0 2097152 vdo V4 store 262144 4096 32768 16380');
    expect(reason(ctr('V4 store 262144 4096 32768 16380 hash 1 logical 1 physical 4', 262144, { 'vdo.slabSizeMb': 256 }))).to.contain('4 physical zones exceeds slab count 3');
    expect(reason(ctr('V4 store 300000 4096 32768 16380'))).to.contain('Could not load geometry block');
  });

  it('an unknown optional argument, odd pairs, bad values', () => {
    const m = reason(ctr('V4 store 262144 4096 32768 16380 dedupe 1', 262144, { 'vdo.slabSizeMb': 64 }));
    expect(m).to.contain('Invalid optional argument configuration (unknown thread parameter type "dedupe"');
    expect(reason(ctr('V4 store 262144 4096 32768 16380 compression'))).to.contain('Odd number of optional arguments given but they should be <key> <value> pairs');
    expect(reason(ctr('V4 store 262144 4096 32768 16380 compression yes'))).to.contain('Invalid optional argument configuration');
    expect(reason(ctr('V4 store 262144 4096 32768 16380 bioRotationInterval 1025'))).to.contain("'bioRotationInterval' cannot be higher than 1024");
    expect(reason(ctr('V4 store 262144 1000 32768 16380'))).to.contain('Invalid logical block size');
    expect(reason(ctr('V4 nosuch 262144 4096 32768 16380'))).to.contain('Unable to open storage device');
  });

  it('bad model parameters name the key', () => {
    expect(reason(ctr('V4 store 262144 4096 32768 16380', 262144, { 'vdo.threads': 'fibers' }))).to.contain('vdo.threads');
    expect(reason(ctr('V4 store 262144 4096 32768 16380', 262144, { 'vdo.nope': 1 }))).to.contain('unknown vdo parameter');
  });
});
