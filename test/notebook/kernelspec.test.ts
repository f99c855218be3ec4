import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { installKernelSpec, kernelsDir } from '../../kernel-lib/notebook/kernelspec.js';
import { PROJECT } from './jupyter-env.js';

describe('notebook/kernelspec', () => {
  it('puts the spec where Jupyter looks: --prefix, --data-dir, --user', () => {
    expect(kernelsDir({ prefix: '/opt/venv' })).to.equal('/opt/venv/share/jupyter/kernels');
    expect(kernelsDir({ dataDir: '/x/jupyter' })).to.equal('/x/jupyter/kernels');
    const saved = process.env.XDG_DATA_HOME;
    process.env.XDG_DATA_HOME = '/home/u/.data';
    try {
      expect(kernelsDir({ user: true })).to.equal('/home/u/.data/jupyter/kernels');
    } finally {
      if (saved === undefined) delete process.env.XDG_DATA_HOME;
      else process.env.XDG_DATA_HOME = saved;
    }
  });

  it('writes kernel.json that launches `dmsim kernel start` with the connection file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dmsim-spec-'));
    try {
      const specDir = installKernelSpec({ prefix: dir });
      expect(specDir).to.equal(path.join(dir, 'share', 'jupyter', 'kernels', 'dmsim'));
      const spec = JSON.parse(readFileSync(path.join(specDir, 'kernel.json'), 'utf8'));
      expect(spec.argv).to.deep.equal([process.execPath, path.join(PROJECT, 'bin', 'dmsim.js'), 'kernel', 'start', '-f', '{connection_file}']);
      expect(spec).to.include({ display_name: 'TypeScript (dmsim)', language: 'typescript', interrupt_mode: 'signal' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
