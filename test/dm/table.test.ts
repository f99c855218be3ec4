import { expect } from 'chai';
import { inputErrorOf as errorOf } from '../helpers/input-error.js';
import { formatTable, parseTable, tableSize } from '../../kernel-lib/dm/table.js';

describe('dm/table', () => {
  it('parses several lines with arguments, skipping blanks and comments', () => {
    const lines = parseTable('# two halves\n0 1024 linear /dev/sdb 0\n\n1024 2048 linear /dev/sdc 4096\n');
    expect(lines).to.deep.equal([
      { start: 0, length: 1024, target: 'linear', args: ['/dev/sdb', '0'], line: 2 },
      { start: 1024, length: 2048, target: 'linear', args: ['/dev/sdc', '4096'], line: 4 },
    ]);
    expect(tableSize(lines)).to.equal(3072);
    expect(formatTable(lines)).to.equal('0 1024 linear /dev/sdb 0\n1024 2048 linear /dev/sdc 4096');
  });

  it('keeps the arguments of targets it does not know', () => {
    const [l] = parseTable('0 2097152 snapshot /dev/vg/base-real /dev/vg/cow P 16');
    expect(l.target).to.equal('snapshot');
    expect(l.args).to.deep.equal(['/dev/vg/base-real', '/dev/vg/cow', 'P', '16']);
  });

  it('names the line and field of a bad number', () => {
    const e = errorOf(() => parseTable('0 100 linear a 0\n100 1x0 linear b 0', { source: 'my.table' }));
    expect(e.file).to.equal('my.table');
    expect(e.line).to.equal(2);
    expect(e.field).to.equal('length');
    expect(e.message).to.match(/^my\.table:2: length: /);
  });

  it('rejects gaps, overlaps, a non-zero first start and zero lengths', () => {
    expect(errorOf(() => parseTable('0 100 linear a 0\n200 100 linear a 0')).message).to.match(/:?2: start: gap or overlap.*ends at sector 100/);
    expect(errorOf(() => parseTable('0 100 linear a 0\n50 100 linear a 0')).line).to.equal(2);
    expect(errorOf(() => parseTable('8 100 linear a 0')).message).to.match(/must start at sector 0/);
    expect(errorOf(() => parseTable('0 0 linear a 0')).field).to.equal('length');
  });

  it('reports a missing target and an empty table', () => {
    expect(errorOf(() => parseTable('0 100')).field).to.equal('target');
    expect(errorOf(() => parseTable('# nothing\n')).message).to.match(/no target lines/);
  });

  it('offsets line numbers of a table embedded in another file', () => {
    const e = errorOf(() => parseTable('0 10 linear a 0\n10 x linear a 0', { source: 's.yaml', firstLine: 7 }));
    expect(e.line).to.equal(8);
  });
});
