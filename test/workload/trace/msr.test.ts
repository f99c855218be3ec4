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
});
