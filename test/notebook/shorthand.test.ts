import { expect } from 'chai';
import { expandShorthandProperties } from '../../kernel-lib/notebook/shorthand.js';

describe('notebook/shorthand', () => {
  it('writes shorthand properties out, in literals and destructuring assignments, keeping lines', () => {
    expect(expandShorthandProperties('f({ seed, n: 2 });')).to.equal('f({ seed: seed, n: 2 });');
    expect(expandShorthandProperties('({ a = 1, b } = o);')).to.equal('({ a: a = 1, b: b } = o);');
    expect(expandShorthandProperties('const x = {\n  seed,\n};')).to.equal('const x = {\n  seed: seed,\n};');
  });

  it('leaves binding patterns, types and ordinary code alone', () => {
    for (const code of ['const { seed } = o;', 'type T = { a: number };', 'function f({ a }: { a: number }) { return a; }', 'g(1, 2)']) {
      expect(expandShorthandProperties(code)).to.equal(code);
    }
  });
});
