import { expect } from 'chai';
import { Bio } from '../../kernel-lib/block/bio.js';
import { createVolume, InputError, parseVolumeSize } from '../../kernel-lib/dm/index.js';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { FakeDevice } from './fake-device.js';

describe('dm/volume', () => {
  it('parses lvcreate sizes in powers of 1024', () => {
    expect(parseVolumeSize('8G', {})).to.equal(8 * 2 ** 30);
    expect(parseVolumeSize('512MiB', {})).to.equal(512 * 2 ** 20);
    expect(parseVolumeSize('2048s', {})).to.equal(2048 * 512);
    expect(parseVolumeSize(4096, {})).to.equal(4096);
    expect(() => parseVolumeSize('8 furlongs', { field: 'size' })).to.throw(InputError, /size: '8 furlongs' is not a size/);
  });

  it('maps a volume linearly at its offset on the device', () => {
    const sim = new Simulation();
    const sda = new FakeDevice(sim, 'sda', 4 * 2 ** 21, 10);
    const lv = createVolume(sim, 'base', { device: 'sda', offset: '1G', size: '1G' }, sda, (f) => ({ field: `volumes.base.${f}` }));
    expect(lv.sizeSectors).to.equal(2 ** 21);
    sim.process(function* () {
      yield* lv.submit(new Bio('read', 8, 8));
    });
    sim.run();
    expect(sda.seen[0].sector).to.equal(2 ** 21 + 8);
  });

  it('refuses a volume that runs past the device, naming the key', () => {
    const sim = new Simulation();
    const sda = new FakeDevice(sim, 'sda', 2 ** 21, 10);
    expect(() => createVolume(sim, 'v', { device: 'sda', offset: '512M', size: '1G' }, sda, (f) => ({ file: 's.yaml', line: 4, field: `volumes.v.${f}` })))
      .to.throw(InputError, /^s\.yaml:4: volumes\.v\.size: .*run past the end of sda/);
  });
});
