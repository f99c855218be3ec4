import { expect } from 'chai';
import { fioText, num2str } from '../../../kernel-lib/workload/fio/text-output.js';
import { runFio } from './helpers.js';

describe('workload/fio/text-output', () => {
  it('num2str keeps at most 4 digits before the unit prefix, base 1024 or 1000, as fio does', () => {
    expect(num2str(4096, 1024, 'B')).to.equal('4096B');
    expect(num2str(10240, 1024, 'B')).to.equal('10KiB');
    expect(num2str(15000, 1024, 'B')).to.equal('14.6KiB');
    expect(num2str(1 << 30, 1024, 'B')).to.equal('1024MiB');
    expect(num2str(123456, 1000, 'B/s')).to.equal('123kB/s');
  });

  it('renders the JSON document: one block per job with its direction lines, then the run status', () => {
    const { json } = runFio('[global]\nfilename=sda\ndirect=1\n[w]\nrw=write\nsize=256k\n[r]\nrw=read\nsize=128k\n');
    const text = fioText(json, [1, 1]);
    expect(text).to.match(/^w: \(groupid=0, jobs=1\)/m);
    expect(text).to.match(/^r: \(groupid=0, jobs=1\)/m);
    expect(text).to.match(/^\s+write: IOPS=/m);
    expect(text).to.match(/^\s+read: IOPS=/m);
    expect(text).to.match(/^Run status group 0/m);
  });
});
