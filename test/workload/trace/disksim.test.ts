import { expect } from 'chai';
import { inputErrorOf as error } from '../../helpers/input-error.js';
import { parseDiskSim } from '../../../kernel-lib/workload/trace/disksim.js';

describe('workload/trace/disksim', () => {
  it('DiskSim ascii: ms times, 512-byte blocks, flag bit 0 = read', () => {
    const r = parseDiskSim('0.5 0 100 8 1\n1.5 0 200 16 0\n', 't.ascii');
    expect(r.map((x) => [x.timeNs, x.op, x.sector, x.sectors])).to.deep.equal([
      [0, 'read', 100, 8],
      [1_000_000, 'write', 200, 16],
    ]);
    expect(error(() => parseDiskSim('0.5 0 100 8 1\n1.5 0 2x0 16 0\n', 't.ascii')).message).to.equal("t.ascii:2: blkno: '2x0' is not a whole number");
    expect(error(() => parseDiskSim('0.5 0 100 8\n', 't.ascii')).message).to.match(/^t\.ascii:1: expected 5 fields/);
  });

});
