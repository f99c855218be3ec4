// The snapshot and snapshot-merge tables' store type (P, PO, N) and feature arguments, read
// as dm-snap.c reads them (table-args.ts), with the kernel's errors.
import { expect } from 'chai';
import { refusal, setup } from '../targets/helpers.js';

describe('dm/snapshot table arguments', () => {
  it('snapshot-merge reads the same table; a transient store cannot be merged', () => {
    const { create } = setup();
    expect(() => create('0 1000 snapshot-merge sdb sdc P 16')).to.not.throw();
    expect(() => create('0 1000 snapshot-merge sdd sde PO 16')).to.not.throw();
    expect(refusal(() => create('0 1000 snapshot-merge sdb sdc N 16'))).to.match(/a transient \(N\) snapshot cannot be merged/);
    expect(refusal(() => create('0 1000 snapshot-merge sdb sdz P 16'))).to.match(/COW dev/);
  });

  it('snapshot: the store word and feature arguments are read as parse_snapshot_features reads them', () => {
    const { create } = setup();
    expect(() => create('0 1000 snapshot sdb sdc PO 16')).to.not.throw();
    expect(() => create('0 1000 snapshot sdb sdc P 16 1 discard_zeroes_cow')).to.not.throw();
    expect(() => create('0 1000 snapshot sdb sdc P 16 2 DISCARD_ZEROES_COW discard_passdown_origin')).to.not.throw();
    expect(refusal(() => create('0 1000 snapshot sdb sdc P 16 1 discard_passdown_origin'))).to.match(/discard_passdown_origin feature depends on discard_zeroes_cow/);
    expect(refusal(() => create('0 1000 snapshot sdb sdc P 16 2 discard_passdown_origin'))).to.match(/<#feature args> says 2, but 1 follow/);
    expect(refusal(() => create('0 1000 snapshot sdb sdc P 16 3 a b c'))).to.match(/Invalid number of feature arguments/);
    expect(refusal(() => create('0 1000 snapshot sdb sdc P 16 1 frob'))).to.match(/Unrecognised feature requested: 'frob'/);
    // No features (a count of 0) is the plain table.
    expect(() => create('0 1000 snapshot sdb sdc N 16 0')).to.not.throw();
  });
});
