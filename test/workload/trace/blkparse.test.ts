import { expect } from 'chai';
import { inputErrorOf as error } from '../../helpers/input-error.js';
import { parseBlkparse, parseDiskSim, parseMsr, parseTrace } from '../../../kernel-lib/workload/trace/index.js';

const BLKPARSE = `  8,16   1        1     1.427376394  5529  Q  WS 274432 + 8 [fio]
  8,16   1        2     1.427377001  5529  G  WS 274432 + 8 [fio]
  8,16   1        3     1.427380000  5529  D  WS 274432 + 8 [fio]
  8,16   0        4     1.427500000     0  C  WS 274432 + 8 [0]
  8,16   1        5     1.428376394  5529  Q   R 1000 + 16 [fio]
  8,16   1        6     1.429000000  5529  Q  FN 0 + 0 [fio]
CPU0 (8,16):
 Reads Queued:           1,        8KiB	 Writes Queued:           1,        4KiB
Total (8,16):
`;

describe('workload/trace/blkparse', () => {
  it('blkparse: replays Q events with their times, ops and sizes, skipping the summary', () => {
    const r = parseBlkparse(BLKPARSE, 'x.blkparse');
    expect(r.map((x) => [x.timeNs, x.op, x.sector, x.sectors, x.sync])).to.deep.equal([
      [0, 'write', 274432, 8, true],
      [1_000_000, 'read', 1000, 16, false],
      [1_623_606, 'flush', 0, 0, false],
    ]);
    const d = parseBlkparse(BLKPARSE, 'x.blkparse', { action: 'D' });
    expect(d).to.have.length(1);
  });


  it('blkparse: a malformed event names the file and line', () => {
    const e = error(() => parseBlkparse(`${BLKPARSE.split('\n').slice(0, 2).join('\n')}\n  8,16 1 3 1.5 55 Q WS 12x + 8 [fio]\n`, 'x.blkparse'));
    expect(e.message).to.match(/^x\.blkparse:3: sector: expected '<sector> \+ <blocks>'/);
    expect(error(() => parseBlkparse('hello world\n', 'y')).message).to.match(/^y:1: not a blkparse event line/);
  });

});

describe('workload/trace bounds', () => {
  it('a time beyond what the simulation can represent is an error at its line, in every format', () => {
    for (const t of ['1e400', '1e300', '200000000000']) {
      const e = error(() => parseDiskSim(`0 0 0 8 1\n${t} 0 8 8 1\n`, 'x.disksim'));
      expect(e.message, t).to.match(/^x\.disksim:2: time: .* beyond the simulation's time range/);
    }
    const b = error(() => parseBlkparse('  8,0 0 1 0.000000001 1 Q W 0 + 8 [x]\n  8,0 0 2 99999999999.000000000 1 Q W 8 + 8 [x]\n', 'x.blkparse'));
    expect(b.message).to.match(/^x\.blkparse:2: time: .* beyond the simulation's time range/);
    const m = error(() => parseMsr('128166372003061629,h,0,Read,0,4096,1\n999999999999999999999,h,0,Read,0,4096,1\n', 'x.csv'));
    expect(m.message).to.match(/^x\.csv:2: Timestamp: .* beyond the simulation's time range/);
  });

  it('sectors and counts beyond 2^53 are refused, not rounded', () => {
    expect(error(() => parseDiskSim('0 0 9007199254740993 8 1\n', 'x.disksim')).message).to.match(/^x\.disksim:1: blkno: .*2\^53/);
    expect(error(() => parseBlkparse('  8,0 0 1 0.000000001 1 Q W 9007199254740993 + 8 [x]\n', 'x.blkparse')).message).to.match(/^x\.blkparse:1: sector: .*2\^53/);
    expect(error(() => parseMsr('128166372003061629,h,0,Read,99999999999999999999,4096,1\n', 'x.csv')).message).to.match(/^x\.csv:1: Offset: .*2\^53/);
  });

  it('a binary trace is named as such', () => {
    expect(error(() => parseTrace('disksim', '\u0000\u0001\u0002garbage', 'x.bin')).message).to.match(/^x\.bin: a binary file \(a NUL byte at offset 0\)/);
  });
});
