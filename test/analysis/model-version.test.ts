import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { modelVersion } from '../../kernel-lib/analysis/model-version.js';

describe('analysis/model-version', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-model-version-'));
    fs.writeFileSync(path.join(dir, 'a.ts'), 'export const run = () => ({ v: 1 });\n');
    fs.writeFileSync(path.join(dir, 'b.ts'), 'export const run = () => ({ v: 2 });\n');
    fs.writeFileSync(path.join(dir, 'a-copy.ts'), 'export const run = () => ({ v: 1 });\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is a short hex hash, stable within the process', () => {
    const v = modelVersion(path.join(dir, 'a.ts'));
    expect(v).to.match(/^[0-9a-f]{16}$/);
    expect(modelVersion(path.join(dir, 'a.ts'))).to.equal(v);
  });

  it("depends on the runner's source, not on its path", () => {
    expect(modelVersion(path.join(dir, 'b.ts'))).to.not.equal(modelVersion(path.join(dir, 'a.ts')));
    expect(modelVersion(path.join(dir, 'a-copy.ts'))).to.equal(modelVersion(path.join(dir, 'a.ts')));
  });
});
