import { expect } from 'chai';
import { Bio } from '../../kernel-lib/block/bio.js';
import type { BlockDevice } from '../../kernel-lib/block/device.js';
import { createMappedDevice, InputError, paramNamespaces, registerTarget, targetTypes, type DmTarget, type TargetContext } from '../../kernel-lib/dm/index.js';
import { Simulation, type ProcessGenerator } from '../../kernel-lib/sim/index.js';
import { FakeDevice } from './fake-device.js';

// A test target: `<start> <length> test-chunked <dev> <chunk>` maps one to one but accepts at
// most <chunk> sectors per bio, so dm core must split at chunk boundaries (max_io_len).
registerTarget({
  name: 'test-chunked',
  ctr: (_ctx, line, args) => {
  args.expectCount(2, 2, ['dev', 'chunk']);
  const dev = args.device(0, 'dev');
  const chunk = args.integer(1, 'chunk', 1);
  const target: DmTarget = {
    type: 'test-chunked',
    devices: [dev],
    maxIoLen: chunk,
    *map(clone: Bio): ProcessGenerator<BlockDevice | null> {
      clone.sector -= line.start;
      return dev;
    },
  };
  return target;
  },
  params: [
    {
      name: 'testchunked',
      parse: (params) => {
        for (const k of Object.keys(params)) if (k.startsWith('testchunked.') && k !== 'testchunked.depth') throw new InputError('unknown testchunked parameter', { field: k });
      },
    },
  ],
});

describe('dm/target-registry', () => {
  it('lists registered types and builds them from table lines', () => {
    expect(targetTypes()).to.include.members(['linear', 'test-chunked']);
    expect(() => registerTarget({ name: 'linear', ctr: () => ({}) as DmTarget })).to.throw(/already registered/);
  });

  it('a target type brings its parameter namespaces; shared ones (kcopyd) are registered once', () => {
    const names = paramNamespaces().map((n) => n.name);
    expect(names).to.include.members(['testchunked', 'snapshot', 'kcopyd']);
    expect(names.filter((n) => n === 'kcopyd')).to.have.length(1);
    // The dedup target brings its own namespace and the metadata stack's (bufio, pdata).
    expect(names).to.include.members(['dedup', 'bufio', 'pdata']);
    // The clone target brings `clone` and shares kcopyd, bufio and pdata; the userspace
    // target brings its own and its daemon's (cowd).
    expect(names).to.include.members(['clone', 'userspace', 'cowd']);
  });

  it('dm core splits bios at the target\'s max_io_len boundaries', () => {
    const sim = new Simulation();
    const sda = new FakeDevice(sim, 'sda', 10_000, 10);
    const ctx: TargetContext = { sim, cpus: null, params: {}, deviceName: 'c', lookupDevice: (n) => (n === 'sda' ? sda : undefined) };
    const md = createMappedDevice(ctx, '0 1000 test-chunked sda 64');
    let done = 0;
    const bio = new Bio('read', 60, 140);
    bio.endIo = () => done++;
    sim.process(function* () {
      yield* md.submit(bio);
    });
    sim.run();
    expect(sda.seen.map((s) => [s.sector, s.sectors])).to.deep.equal([[60, 4], [64, 64], [128, 64], [192, 8]]);
    expect(done).to.equal(1);
  });

  it('constructor argument errors name the line and argument', () => {
    const sim = new Simulation();
    const ctx: TargetContext = { sim, cpus: null, params: {}, deviceName: 'c', lookupDevice: () => undefined };
    expect(() => createMappedDevice(ctx, '0 1000 test-chunked sda', { file: 't', line: 3 })).to.throw(InputError, /^t:3: chunk: test-chunked: missing argument <chunk>/);
  });
});
