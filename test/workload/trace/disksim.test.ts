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

  it('a trace of several devnos replays the one named by `from`, and refuses a mix without it', () => {
    const two = '0.5 0 100 8 1\n1.0 1 200 8 0\n1.5 0 300 8 0\n';
    expect(error(() => parseDiskSim(two, 'd.ascii')).message).to.equal('d.ascii: the trace has requests of 2 devices (devno 0: 2, 1: 1); name the one to replay with workload.trace.from');
    expect(parseDiskSim(two, 'd.ascii', { from: 0 }).map((r) => [r.timeNs, r.sector])).to.deep.equal([[0, 100], [1_000_000, 300]]);
    expect(parseDiskSim(two, 'd.ascii', { from: 1 }).map((r) => r.sector)).to.deep.equal([200]);
    expect(error(() => parseDiskSim(two, 'd.ascii', { from: 7 })).message).to.equal('d.ascii: from: no requests of devno 7 in the trace (it has 0: 2, 1: 1)');
  });
});
