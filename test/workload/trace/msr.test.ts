import { expect } from 'chai';
import { inputErrorOf as error } from '../../helpers/input-error.js';
import { parseMsr } from '../../../kernel-lib/workload/trace/msr.js';

describe('workload/trace/msr', () => {
  it('MSR Cambridge CSV: FILETIME ticks exactly, bytes rounded out to sectors', () => {
    const r = parseMsr('128166372003061629,hm,1,Read,3584,1024,4127\n128166372003061630,hm,1,Write,4096,4096,100\n', 'hm_1.csv');
    expect(r.map((x) => [x.timeNs, x.op, x.sector, x.sectors])).to.deep.equal([
      [0, 'read', 7, 2],
      [100, 'write', 8, 8],
    ]);
    expect(error(() => parseMsr('1,hm,1,Erase,0,512,1\n', 'hm_1.csv')).message).to.equal("hm_1.csv:1: Type: 'Erase' is not Read or Write");
    expect(error(() => parseMsr('1,hm,1,Read,0,512\n', 'hm_1.csv')).message).to.match(/^hm_1\.csv:1: expected 7 fields/);
  });

  it('a file of several DiskNumbers replays the one named by `from`; a second server is refused', () => {
    const two = '128166372003061629,src1,0,Read,0,4096,1\n128166372003061630,src1,1,Write,8192,4096,1\n128166372003061640,src1,0,Write,4096,512,1\n';
    expect(error(() => parseMsr(two, 'src1.csv')).message).to.equal('src1.csv: the trace has requests of 2 devices (DiskNumber 0: 2, 1: 1); name the one to replay with workload.trace.from');
    expect(parseMsr(two, 'src1.csv', { from: 0 }).map((r) => [r.timeNs, r.op, r.sector, r.sectors])).to.deep.equal([
      [0, 'read', 0, 8],
      [1100, 'write', 8, 1],
    ]);
    expect(parseMsr(two, 'src1.csv', { from: 1 }).map((r) => r.sector)).to.deep.equal([16]);
    expect(error(() => parseMsr(`${two}128166372003061650,hm,0,Read,0,4096,1\n`, 'src1.csv', { from: 0 })).message).to.equal("src1.csv:4: Hostname: a second server 'hm' after 'src1': one server's trace per file");
  });
});
