import { expect } from 'chai';
import { forEachLine } from '../../../kernel-lib/workload/trace/record.js';

describe('workload/trace/record', () => {
  it('forEachLine numbers lines from 1, drops a CR before the LF and keeps a last line without LF', () => {
    const seen: [string, number][] = [];
    forEachLine('a\r\nb\n\nc', (line, n) => seen.push([line, n]));
    expect(seen).to.deep.equal([['a', 1], ['b', 2], ['', 3], ['c', 4]]);
  });

  it('forEachLine gives a text ending in LF an empty last line, as split would', () => {
    const seen: string[] = [];
    forEachLine('x\n', (line) => seen.push(line));
    expect(seen).to.deep.equal('x\n'.split('\n'));
  });
});
