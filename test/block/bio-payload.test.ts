import { expect } from 'chai';
import { Bio } from '../../kernel-lib/block/bio.js';
import { bioPayload, inheritBioPayload, setBioPayload } from '../../kernel-lib/block/bio-payload.js';

describe('block/bio-payload', () => {
  it('a bio has no payload until one is set (unique, incompressible data)', () => {
    const b = new Bio('write', 0, 8);
    expect(bioPayload(b)).to.equal(undefined);
    setBioPayload(b, { fingerprint: 42, compressPercentage: 50 });
    expect(bioPayload(b)).to.deep.equal({ fingerprint: 42, compressPercentage: 50 });
  });

  it('a clone inherits its parent payload, and nothing when the parent has none', () => {
    const parent = new Bio('write', 0, 16);
    const bare = new Bio('write', 0, 16);
    setBioPayload(parent, { fingerprint: 7, compressPercentage: 0 });
    const clone = new Bio('write', 8, 8);
    inheritBioPayload(clone, parent);
    expect(bioPayload(clone)).to.equal(bioPayload(parent));
    const other = new Bio('write', 8, 8);
    inheritBioPayload(other, bare);
    expect(bioPayload(other)).to.equal(undefined);
  });
});
