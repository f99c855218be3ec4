// snapshot-merge and the snapshot table's PO store and feature arguments: read as dm-snap.c
// reads them, then refused by name (merging and discard handling are not modelled).
import { expect } from 'chai';
import { refusal, setup } from './helpers.js';

describe('dm/targets snapshot-merge, snapshot PO and feature args', () => {
  it('snapshot-merge parses its table and says merging is not modelled; a transient store cannot merge', () => {
    const { create } = setup();
    expect(refusal(() => create('0 1000 snapshot-merge sdb sdc P 16'))).to.equal("t.yaml:1: target: snapshot-merge: snapshot-merge (copying a snapshot's exceptions back into its origin) is not modelled");
    expect(refusal(() => create('0 1000 snapshot-merge sdb sdc N 16'))).to.match(/a transient \(N\) snapshot cannot be merged/);
    expect(refusal(() => create('0 1000 snapshot-merge sdb sdz P 16'))).to.match(/COW dev/);
  });

  it('snapshot: PO and the discard features are named and refused; a wrong feature count is an error', () => {
    const { create } = setup();
    expect(refusal(() => create('0 1000 snapshot sdb sdc PO 16'))).to.match(/PO \(a persistent store whose snapshot survives overflow\) is not modelled/);
    expect(refusal(() => create('0 1000 snapshot sdb sdc P 16 1 discard_zeroes_cow'))).to.match(/feature discard_zeroes_cow \(discards on a snapshot\) is not modelled/);
    expect(refusal(() => create('0 1000 snapshot sdb sdc P 16 2 discard_passdown_origin'))).to.match(/<#feature args> says 2, but 1 follow/);
    expect(refusal(() => create('0 1000 snapshot sdb sdc P 16 1 frob'))).to.match(/unknown feature 'frob'/);
    // No features (a count of 0) is the plain table.
    expect(() => create('0 1000 snapshot sdb sdc N 16 0')).to.not.throw();
  });
});
