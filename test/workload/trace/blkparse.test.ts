import { expect } from 'chai';
import { inputErrorOf as error } from '../../helpers/input-error.js';
import { parseBlkparse } from '../../../kernel-lib/workload/trace/blkparse.js';

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
