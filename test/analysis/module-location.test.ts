import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANALYSIS_DIR, KERNEL_LIB_DIR, PROJECT_DIR } from '../../kernel-lib/analysis/module-location.js';

describe('analysis/module-location', () => {
  it('finds the library on disk from an ES module (the tslab CommonJS case runs in executor.test)', () => {
    expect(path.basename(ANALYSIS_DIR)).to.equal('analysis');
    expect(fs.existsSync(path.join(ANALYSIS_DIR, 'sweep-worker.js'))).to.equal(true);
    expect(KERNEL_LIB_DIR).to.equal(path.dirname(ANALYSIS_DIR));
    expect(fs.existsSync(path.join(PROJECT_DIR, 'package.json'))).to.equal(true);
  });
});
