import { expect } from 'chai';
import { History, SESSION } from '../../kernel-lib/notebook/history.js';

describe('notebook/history', () => {
  const history = new History();
  ['1 + 1', 'const x = 2;', '1 + 1', 'x * 3'].forEach((code, i) => history.record(i + 1, code));
  history.recordOutput(4, '6');

  it('returns the last n inputs (tail), with outputs on request', () => {
    expect(history.query({ hist_access_type: 'tail', n: 2 })).to.deep.equal([
      [SESSION, 3, '1 + 1'],
      [SESSION, 4, 'x * 3'],
    ]);
    expect(history.query({ hist_access_type: 'tail', n: 1, output: true })).to.deep.equal([[SESSION, 4, ['x * 3', '6']]]);
  });

  it('returns a range of lines [start, stop)', () => {
    expect(history.query({ hist_access_type: 'range', session: SESSION, start: 2, stop: 4 }).map((e) => e[1])).to.deep.equal([2, 3]);
  });

  it('searches with a glob, optionally unique and limited to the last n', () => {
    expect(history.query({ hist_access_type: 'search', pattern: '1*' }).map((e) => e[1])).to.deep.equal([1, 3]);
    expect(history.query({ hist_access_type: 'search', pattern: '1 ? 1', unique: true }).map((e) => e[1])).to.deep.equal([3]);
    expect(history.query({ hist_access_type: 'search', pattern: '*', n: 3 }).map((e) => e[1])).to.deep.equal([2, 3, 4]);
  });
});
