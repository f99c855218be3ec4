import { expect } from 'chai';
import { sourceLineOf } from '../../kernel-lib/notebook/traceback.js';

describe('notebook/traceback', () => {
  it('maps a generated line back to the cell line despite removed types and added exports', () => {
    const source = [
      'interface P { x: number }', // 1: removed
      '', // 2: removed
      'const a: number = 1;', // 3
      'function f(p: P): number {', // 4
      '  if (p.x > 0) {', // 5
      "    throw new Error('boom');", // 6
      '  }',
      '  return p.x;',
      '}',
      'f({ x: a });', // 10
    ].join('\n');
    const output = [
      'Object.defineProperty(exports, "__esModule", { value: true });',
      'exports.a = exports.f = void 0;',
      'const a = 1;', // 3
      'exports.a = a;',
      'function f(p) {', // 5
      '    if (p.x > 0) {',
      "        throw new Error('boom');", // 7
      '    }',
      '    return p.x;',
      '}',
      'exports.f = f;',
      'f({ x: a });', // 12
    ].join('\n');
    expect(sourceLineOf(source, output, 7)).to.equal(6);
    expect(sourceLineOf(source, output, 12)).to.equal(10);
    expect(sourceLineOf(source, output, 3)).to.equal(3);
    // An added export line belongs to the statement above it.
    expect(sourceLineOf(source, output, 4)).to.equal(3);
  });

  it('sees through import aliases and earlier-cell variables', () => {
    const source = "import { run } from './lib.js';\nconst r = run(seed);";
    const output = 'exports.r = void 0;\nconst lib_js_1 = require("./lib.js");\nconst r = (0, lib_js_1.run)(exports.seed);\nexports.r = r;';
    expect(sourceLineOf(source, output, 3)).to.equal(2);
  });
});
