import { expect } from 'chai';
import { parseSize, parseTime } from '../../../kernel-lib/workload/fio/units.js';

describe('workload/fio/units', () => {
  it('reads sizes in fio\'s base-2 compatibility mode, times with units', () => {
    expect(parseSize('4k')).to.equal(4096);
    expect(parseSize('4KB')).to.equal(4096);
    expect(parseSize('1m')).to.equal(1 << 20);
    expect(parseSize('1g')).to.equal(1 << 30);
    expect(parseSize('1KiB')).to.equal(1000); // fio's kb_base=1024 quirk
    expect(parseSize('4096')).to.equal(4096);
    expect(parseSize('lots')).to.be.NaN;
    expect(parseTime('30', 1e9)).to.equal(30e9);
    expect(parseTime('500ms', 1e9)).to.equal(500e6);
    expect(parseTime('2m', 1e9)).to.equal(120e9);
    expect(parseTime('100', 1e3)).to.equal(100e3);
  });
});
