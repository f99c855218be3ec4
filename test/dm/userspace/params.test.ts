import { expect } from 'chai';
import { InputError } from '../../../kernel-lib/base/input-error.js';
import { parseUserspaceParams } from '../../../kernel-lib/dm/userspace/params.js';
import { parseCowdParams } from '../../../kernel-lib/dm/userspace/cowd/params.js';

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  return 'accepted';
};

describe('dm/userspace parameters (userspace.*, cowd.*)', () => {
  it('defaults to the measured design; each switch takes its earlier design', () => {
    expect(parseUserspaceParams({})).to.deep.equal({ remapCache: 'hash', notify: 'poll', allocator: 'slab', remapLimit: 0 });
    expect(parseUserspaceParams({ 'userspace.remapCache': 'list', 'userspace.notify': 'sleep', 'userspace.allocator': 'kmalloc' })).to.include({ remapCache: 'list', notify: 'sleep', allocator: 'kmalloc' });
  });

  it('names the key of an unknown parameter or a bad value', () => {
    expect(message(() => parseUserspaceParams({ 'userspace.cache': 'hash' }))).to.match(/^userspace\.cache: unknown userspace parameter \(known: remapCache, notify, allocator, remapLimit\)/);
    expect(message(() => parseCowdParams({ 'cowd.sleepUs': -1 }))).to.match(/^cowd\.sleepUs: expected an integer in 0\.\.60000000, got -1/);
    expect(message(() => parseCowdParams({ 'cowd.readBuffer': 27 }))).to.match(/^cowd\.readBuffer: a read buffer of 27 bytes cannot hold one message/);
    expect(parseCowdParams({ 'cowd.readBuffer': 28 }).readBuffer).to.equal(28);
  });
});
