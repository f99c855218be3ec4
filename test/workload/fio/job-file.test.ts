import { expect } from 'chai';
import { inputErrorOf } from '../../helpers/input-error.js';
import { parseJobFile } from '../../../kernel-lib/workload/fio/job-file.js';

const fileErr = (text: string) => inputErrorOf(() => parseJobFile(text, 'x.fio'));

describe('workload/fio/job-file', () => {
  it('reads sections in order, [global] options applying to the jobs after it, with line numbers', () => {
    const f = parseJobFile('[global]\nbs=16k\n[a]\nrw=read\n[global]\niodepth=8\n[b]\n', 'x.fio');
    expect(f.jobs.map((j) => j.name)).to.deep.equal(['a', 'b']);
    const a = f.jobs[0].options.map((o) => [o.key, o.value, o.line]);
    expect(a).to.deep.include.members([['bs', '16k', 2], ['rw', 'read', 4]]);
    expect(f.jobs[0].options.map((o) => o.key)).to.not.include('iodepth');
    expect(f.jobs[1].options.map((o) => o.key)).to.include.members(['bs', 'iodepth']);
  });

  it('reports job-file syntax errors with their line', () => {
    expect(fileErr('rw=read\n[j]').message).to.match(/^x\.fio:1: rw: option 'rw' outside any \[section\]/);
    expect(fileErr('[j\nrw=read').message).to.match(/^x\.fio:1: malformed section header/);
    expect(fileErr('[global]\nbs=4k').message).to.match(/no jobs defined/);
    expect(fileErr('[j]\n[j]').message).to.match(/^x\.fio:2: job 'j' is defined twice/);
    expect(fileErr('[j]\nfilename=$DEV').message).to.match(/^x\.fio:2: filename: '\$DEV' is not one of fio's keywords/);
    expect(fileErr('[j]\nsize=($ncpus*)').message).to.match(/^x\.fio:2: size: .* is not an arithmetic expression/);
  });
});
