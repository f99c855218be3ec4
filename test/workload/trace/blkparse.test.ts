import { expect } from 'chai';
import { inputErrorOf as error } from '../../helpers/input-error.js';
import * as fs from 'node:fs';
import { parseBlkparse, parseDiskSim, parseMsr, parseTrace } from '../../../kernel-lib/workload/trace/index.js';

const SAMPLES = new URL('./samples/', import.meta.url);
const sample = (name: string) => fs.readFileSync(new URL(name, SAMPLES), 'utf8');
/** A counter of blkparse's own summary ("Writes Queued:     10,  40KiB"), summed over its CPU blocks. */
function summaryCount(text: string, label: string): number {
  let n = 0;
  for (const m of text.matchAll(new RegExp(`${label}:\\s+([\\d,]+)`, 'g'))) n += Number(m[1].replace(/,/g, ''));
  return n;
}

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


  it('real blkparse output (linux-block, 2021): the replayed Q and D events are those blkparse counted in its summary', () => {
    for (const name of ['lkml-2021-kyber.blkparse', 'lkml-2021-requeue.blkparse']) {
      const text = sample(name);
      const q = parseBlkparse(text, name);
      const d = parseBlkparse(text, name, { action: 'D' });
      // blkparse's own counters (account_queue / account_issue), not ours.
      expect(q.length, name).to.equal(summaryCount(text, 'Writes Queued') + summaryCount(text, 'Reads Queued'));
      expect(d.length, name).to.equal(summaryCount(text, 'Write Dispatches') + summaryCount(text, 'Read Dispatches'));
      expect(q.reduce((s, r) => s + r.sectors, 0) / 2, name).to.equal(Number(/Writes Queued:\s+\d+,\s+(\d+)KiB/.exec(text)![1]));
      expect(q.every((r) => r.op === 'write' && r.sync), name).to.equal(true);
    }
    const kyber = parseBlkparse(sample('lkml-2021-kyber.blkparse'), 'k');
    expect(kyber.map((r) => [r.timeNs, r.sector, r.sectors])).to.deep.equal([
      [0, 0, 8],
      [40_316, 8, 8],
      [62_577, 16, 8],
      [82_375, 24, 8],
      [102_192, 32, 8],
    ]);
    // The merged request is what the driver saw: one 40-sector write.
    expect(parseBlkparse(sample('lkml-2021-kyber.blkparse'), 'k', { action: 'D' }).map((r) => [r.sector, r.sectors])).to.deep.equal([[0, 40]]);
  });

  it('headers, message lines, per-CPU and Total blocks and blkparse -s process blocks are read past', () => {
    const text = [
      'Input file sdb.blktrace.0 added',
      'Input file sdb.blktrace.1 added',
      '  8,16   0        0     0.000000000     0  m   N cfq5529 alloced',
      '  8,16   0        1     0.000001000  5529  Q   R 100 + 8 [fio]',
      '  8,16   1        1     0.000002000  5530  Q   W 200 + 8 [fio]',
      '  8,16   0        2     0.000002500  5529  P   N [fio]',
      '  8,16   0        3     0.000003000  5529  U   N [fio] 1',
      '  8,16   1        2     0.000004000  5530  A   W 300 + 8 <- (8,17) 100',
      '  8,16   1        3     0.000004100  5530  Q   W 300 + 8 [fio]',
      'fio (5529)',
      ' Reads Queued:           1,        4KiB	 Writes Queued:           0,        0KiB',
      ' Allocation wait:        0        	 Allocation wait:         0',
      'CPU0 (8,16):',
      ' Reads Queued:           1,        4KiB	 Writes Queued:           0,        0KiB',
      'CPU1 (8,16):',
      ' Reads Queued:           0,        0KiB	 Writes Queued:           2,        8KiB',
      '',
      'Total (8,16):',
      ' Reads Queued:           1,        4KiB	 Writes Queued:           2,        8KiB',
      '',
      'Throughput (R/W): 0KiB/s / 0KiB/s',
      'Events (8,16): 10 entries',
      'Skips: 0 forward (0 -   0.0%)',
      '',
    ].join('\n');
    const r = parseBlkparse(text, 'x');
    expect(r.map((x) => [x.timeNs, x.op, x.sector])).to.deep.equal([
      [0, 'read', 100],
      [1000, 'write', 200],
      [3100, 'write', 300],
    ]);
    // A line that only looks like a process block is still an error at its line.
    expect(error(() => parseBlkparse(`${text.split('\n').slice(0, 4).join('\n')}\nnot (12)\n  8,16 0 2 0.1 5 Q R 8 + 8 [x]\n`, 'y')).message).to.match(/^y:5: not a blkparse event line: 'not \(12\)'/);
    // Events after the summary are a second trace pasted on, not replayed silently.
    expect(error(() => parseBlkparse(`${text}  8,16 0 9 1.0 5 Q R 8 + 8 [x]\n`, 'z')).message).to.match(/^z:24: an event after blkparse's summary \(which starts at line 10\)/);
  });

  it('several traced devices: refused without `from`, one of them replayed with it', () => {
    const two = [
      '  8,0    0        1     0.000001000  55  Q   R 100 + 8 [fio]',
      '  8,16   0        1     0.000002000  55  Q   W 200 + 8 [fio]',
      '  8,0    0        2     0.000003000  55  Q   R 108 + 8 [fio]',
      '',
    ].join('\n');
    expect(error(() => parseBlkparse(two, 'two.txt')).message).to.equal('two.txt: the trace has requests of 2 devices (device 8,0: 2, 8,16: 1); name the one to replay with workload.trace.from');
    expect(parseBlkparse(two, 'two.txt', { from: '8,0' }).map((r) => [r.timeNs, r.sector])).to.deep.equal([[0, 100], [2000, 108]]);
    expect(parseBlkparse(two, 'two.txt', { from: '8,16' }).map((r) => r.sector)).to.deep.equal([200]);
    expect(error(() => parseBlkparse(two, 'two.txt', { from: '8,32' })).message).to.equal('two.txt: from: no requests of device 8,32 in the trace (it has 8,0: 2, 8,16: 1)');
    expect(parseTrace('blkparse', two, 'two.txt', '8,16')).to.deep.equal(parseBlkparse(two, 'two.txt', { from: '8,16' }));
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
