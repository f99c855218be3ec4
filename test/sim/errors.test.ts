import { expect } from 'chai';
import { describe as describeValue } from '../../kernel-lib/sim/errors.js';

describe('sim/errors', () => {
  it('describe() names a value for an error message without dumping objects', () => {
    expect(describeValue(undefined)).to.equal('undefined');
    expect(describeValue(-1)).to.equal('-1');
    expect(describeValue('oops')).to.equal('"oops"');
    expect(describeValue(function later() {})).to.equal('function later');
    expect(describeValue(new Map())).to.equal('a Map');
    expect(describeValue(Object.create(null))).to.equal('an object');
  });
});
