import { expect } from 'chai';
import { InputError } from '../../../kernel-lib/base/input-error.js';
import { parseCloneParams } from '../../../kernel-lib/dm/clone/index.js';

describe('dm/clone params', () => {
  it('clone.preCommitFlush follows the kernel era: off in 5.4, on from 5.5 and without a kernel; explicit wins', () => {
    expect(parseCloneParams({ kernel: '5.4' }).preCommitFlush).to.equal(false);
    expect(parseCloneParams({ kernel: '5.5' }).preCommitFlush).to.equal(true);
    expect(parseCloneParams({}).preCommitFlush).to.equal(true);
    expect(parseCloneParams({ kernel: '5.4', 'clone.preCommitFlush': true }).preCommitFlush).to.equal(true);
  });

  it('bad values and unknown keys are errors naming the key', () => {
    for (const [k, v] of [['clone.preCommitFlush', 'yes'], ['clone.mapNs', -1], ['clone.regionSize', 8]] as const) {
      try {
        parseCloneParams({ [k]: v });
        throw new Error('accepted');
      } catch (e) {
        expect(e).to.be.instanceOf(InputError);
        expect((e as InputError).field).to.equal(k);
      }
    }
  });
});
