import { expect } from 'chai';
import { compareKernelVersions, eraValues, kernelAtLeast, kernelVersionOf, parseKernelVersion } from '../../kernel-lib/base/kernel-version.js';
import { InputError } from '../../kernel-lib/base/input-error.js';

describe('base/kernel-version', () => {
  it('reads the spellings scenarios use and orders them numerically, not as text', () => {
    expect(parseKernelVersion('2.6.21')).to.deep.equal([2, 6, 21]);
    expect(parseKernelVersion('5.0')).to.deep.equal([5, 0, 0]);
    expect(parseKernelVersion('6.8-rc1')).to.deep.equal([6, 8, 0]);
    // "6.x" is the newest 6: later than any 6.N written out.
    expect(compareKernelVersions(parseKernelVersion('6.x')!, parseKernelVersion('6.19')!)).to.be.greaterThan(0);
    // 2.6.9 < 2.6.21 although "9" > "2" as text.
    expect(compareKernelVersions([2, 6, 9], [2, 6, 21])).to.be.lessThan(0);
    expect(kernelAtLeast([3, 1, 0], '3.1')).to.equal(true);
    expect(kernelAtLeast([3, 0, 99], '3.1')).to.equal(false);
  });

  it('refuses what is not a version, as an error on the kernel field', () => {
    for (const bad of ['linux', '', '2', 'v5.0', '5.0 ', 42]) {
      expect(parseKernelVersion(String(bad)), String(bad)).to.satisfy((v: unknown) => typeof bad !== 'string' || v === null);
      try {
        kernelVersionOf(bad);
        expect.fail(`accepted ${JSON.stringify(bad)}`);
      } catch (err) {
        expect(err).to.be.instanceOf(InputError);
        expect((err as InputError).field).to.equal('kernel');
      }
    }
    expect(kernelVersionOf(undefined)).to.equal(undefined);
  });

  it('an era table gives the oldest value before the first change and each change from its version on', () => {
    const table = {
      knob: {
        oldest: 'a',
        steps: [
          { since: '2.6.26', value: 'b' },
          { since: '3.1', value: 'c' },
        ],
      },
    };
    expect(eraValues(table, [2, 6, 25]).knob).to.equal('a');
    expect(eraValues(table, [2, 6, 26]).knob).to.equal('b');
    expect(eraValues(table, [3, 0, 0]).knob).to.equal('b');
    expect(eraValues(table, [3, 1, 0]).knob).to.equal('c');
    expect(eraValues(table, [6, 999, 0]).knob).to.equal('c');
  });
});
