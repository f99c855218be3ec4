import { expect } from 'chai';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkMetrics, resolveRunner } from '../../kernel-lib/analysis/runner.js';

describe('analysis/runner', () => {
  it('resolves a module relative to the current directory, absolute or as a file URL', () => {
    const abs = path.resolve('test/analysis/fixtures/burn.ts');
    for (const module of ['test/analysis/fixtures/burn.ts', abs, pathToFileURL(abs).href]) {
      expect(resolveRunner({ module })).to.deep.equal({ module: abs, exportName: 'run', id: 'test/analysis/fixtures/burn.ts#run' });
    }
    expect(resolveRunner({ module: abs, export: 'runAsync' }).id).to.equal('test/analysis/fixtures/burn.ts#runAsync');
  });

  it('names a module that does not exist', () => {
    expect(() => resolveRunner({ module: 'nope/runner.ts' })).to.throw(/runner module not found: nope\/runner.ts \(resolved to .*nope\/runner.ts/);
    expect(() => resolveRunner({} as never)).to.throw(/'runner' must be \{ module/);
  });

  it('accepts flat metrics only', () => {
    expect(checkMetrics({ bw: 1, mode: 'head', ok: false })).to.equal(undefined);
    expect(checkMetrics([1])).to.equal('runner must return an object of metrics, got an array');
    expect(checkMetrics(undefined)).to.equal('runner must return an object of metrics, got undefined');
    expect(checkMetrics({ lat: null })).to.equal("metric 'lat' must be a number, string or boolean, got null");
  });
});
