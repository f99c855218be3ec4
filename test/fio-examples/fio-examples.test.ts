// fio's own example job files (README.md: source, commit, licence), each run on the examples'
// stack for a window of simulated events: what each gives must stay what expected.yaml says,
// and every file of a block engine must run or name one unsupported feature (not an engine).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { EXAMPLES, runExample, type Outcome } from './examples-run.js';

type Expected = { file: string; env?: Record<string, string> } & Outcome;
const expected = parse(fs.readFileSync(path.resolve('test/fio-examples/expected.yaml'), 'utf8')) as Expected[];

describe('test/fio-examples: fio\'s example job files run as written', function () {
  this.timeout(0);

  it('covers every example file', () => {
    const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.fio')).sort();
    expect(expected.map((e) => e.file)).to.deep.equal(files);
    expect(files).to.have.length(107);
  });

  it('counts: every block-engine file runs or names one unsupported feature', () => {
    const byEngine = expected.filter((e) => 'refused' in e && /is not a block engine/.test(e.refused));
    const runs = expected.filter((e) => 'runs' in e);
    const feature = expected.filter((e) => 'refused' in e && !/is not a block engine/.test(e.refused));
    // Each refusal names the file, the line and the option (file:line: option: ...).
    for (const e of feature) expect((e as { refused: string }).refused).to.match(/^test\/fio-examples\/examples\/[^:]+\.fio:\d+: [a-z_]+: /);
    expect({ runs: runs.length, feature: feature.length, engine: byEngine.length }).to.deep.equal({ runs: 28, feature: 28, engine: 51 });
    // No run warns about an approximation.
    expect(runs.flatMap((e) => (e as { warnings: string[] }).warnings)).to.deep.equal([]);
  });

  for (const e of expected) {
    it(e.file, () => {
      const { file, env, ...want } = e;
      expect(runExample(file, env)).to.deep.equal(want);
    });
  }
});
