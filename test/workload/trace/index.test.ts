import { expect } from 'chai';
import { parseBlkparse, parseDiskSim, parseMsr, parseTrace } from '../../../kernel-lib/workload/trace/index.js';

describe('workload/trace/index', () => {
  it('parseTrace reads each format with its own parser', () => {
    const blk = '  8,16 1 1 0.000001000 55 Q W 8 + 8 [fio]\n';
    const ascii = '0.5 0 100 8 1\n';
    const csv = '128166372003061629,hm,1,Read,3584,1024,4127\n';
    expect(parseTrace('blkparse', blk, 'a')).to.deep.equal(parseBlkparse(blk, 'a'));
    expect(parseTrace('disksim', ascii, 'b')).to.deep.equal(parseDiskSim(ascii, 'b'));
    expect(parseTrace('msr', csv, 'c')).to.deep.equal(parseMsr(csv, 'c'));
    expect(parseTrace('disksim', ascii, 'b')[0].op).to.equal('read');
  });
});
