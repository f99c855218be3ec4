import { expect } from 'chai';
import { canonicalJSON, expandGrid, parameterNames } from '../../kernel-lib/analysis/grid.js';

describe('analysis/grid', () => {
  it('expands a grid with the first parameter varying slowest', () => {
    expect(expandGrid({ a: [1, 2], b: ['x', 'y', 'z'] })).to.deep.equal([
      { a: 1, b: 'x' }, { a: 1, b: 'y' }, { a: 1, b: 'z' },
      { a: 2, b: 'x' }, { a: 2, b: 'y' }, { a: 2, b: 'z' },
    ]);
  });

  it('treats an empty grid as one point and an array as explicit points', () => {
    expect(expandGrid({})).to.deep.equal([{}]);
    expect(expandGrid([{ a: 1 }, { a: 5, b: true }])).to.deep.equal([{ a: 1 }, { a: 5, b: true }]);
    expect(parameterNames([{ a: 1 }, { a: 5, b: true }])).to.deep.equal(['a', 'b']);
  });

  it('names the parameter whose values are not a non-empty array', () => {
    expect(() => expandGrid({ 'kcopyd.requeue': [] })).to.throw(/'kcopyd.requeue' must be a non-empty array/);
    expect(() => expandGrid({ depth: 4 } as never)).to.throw(/'depth' must be a non-empty array.*number 4/);
    expect(() => expandGrid([{ a: 1 }, 3] as never)).to.throw(/point 1 must be an object/);
  });

  it('writes equal parameter sets as the same canonical JSON whatever the key order', () => {
    expect(canonicalJSON({ b: 1, a: { d: [1, 2], c: 'x' } })).to.equal(canonicalJSON({ a: { c: 'x', d: [1, 2] }, b: 1 }));
    expect(canonicalJSON({ a: 1 })).to.not.equal(canonicalJSON({ a: '1' }));
  });
});
