// The option table covers fio's HOWTO: every job option of HOWTO.rst (fio at the commit of
// test/fio-examples/README.md; names and aliases listed in test/fio-examples/howto-options.txt)
// has one status, and the statuses mean what they say.
import { expect } from 'chai';
import * as fs from 'node:fs';
import { fioOptionStatus } from '../../../kernel-lib/workload/fio/options.js';
import { BLOCK_ENGINES, engineRefusal } from '../../../kernel-lib/workload/fio/option-table.js';
import { runFio } from './helpers.js';

const HOWTO = fs.readFileSync('test/fio-examples/howto-options.txt', 'utf8').split('\n').filter((l) => l !== '');

describe('workload/fio/option-table', () => {
  it('gives every option of fio\'s HOWTO a status', () => {
    expect(HOWTO.length).to.equal(387);
    expect(HOWTO.filter((n) => fioOptionStatus(n) === undefined)).to.deep.equal([]);
    const count = { modelled: 0, 'no-effect': 0, refused: 0 };
    for (const n of HOWTO) count[fioOptionStatus(n)!.status]++;
    // The split, so that a change of it is seen in review.
    expect(count).to.deep.equal({ modelled: 101, 'no-effect': 88, refused: 198 });
  });

  it('an option accepted with no effect leaves the I/O the device sees unchanged', () => {
    const base = '[j]\nfilename=/dev/sda\ndirect=1\nrw=randwrite\nsize=256k\n';
    const plain = runFio(base).dev.seen.map((s) => [s.op, s.sector, s.sectors]);
    const noEffect = HOWTO.filter((n) => fioOptionStatus(n)!.status === 'no-effect' && !['exit_what', 'kb_base'].includes(n));
    const withAll = runFio(base + noEffect.map((n) => `${n}=1`).join('\n')).dev.seen.map((s) => [s.op, s.sector, s.sectors]);
    expect(withAll).to.deep.equal(plain);
  });

  it('refuses every engine but the block engines, naming it', () => {
    for (const e of BLOCK_ENGINES) expect(engineRefusal(e)).to.equal(null);
    expect(engineRefusal('sg')).to.match(/^ioengine=sg \(SCSI generic passthrough\) is not a block engine/);
    expect(engineRefusal('frob')).to.match(/^ioengine=frob is not a block engine/);
  });
});
