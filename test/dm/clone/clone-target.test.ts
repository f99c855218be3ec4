import { expect } from 'chai';
import { InputError } from '../../../kernel-lib/dm/index.js';
import { setup, SIZE } from './helpers.js';

describe('dm/clone target type: table line, status, messages', () => {
  it('status and messages are the kernel\'s', () => {
    const s = setup();
    s.sim.run({ until: 1e6 });
    expect(s.target.statusLine()).to.match(/^8 \d+\/2048 128 0\/512 0 1 no_hydration 4 hydration_threshold 1 hydration_batch_size 1 rw$/);
    s.target.message(['hydration_threshold', '16']);
    s.target.message(['hydration_batch_size', '8']);
    s.target.message(['enable_hydration']);
    expect(s.target.statusLine()).to.match(/ 0 4 hydration_threshold 16 hydration_batch_size 8 rw$/);
    s.target.message(['disable_hydration']);
    expect(s.target.statusLine()).to.match(/ 1 no_hydration 4 /);
    expect(() => s.target.message(['hydration_threshold', 'x'])).to.throw(InputError, /hydration_threshold/);
    expect(() => s.target.message(['frobnicate'])).to.throw(InputError, /unsupported message 'frobnicate'/);
  });

  describe('bad table lines name the field', () => {
    const bad = (table: string, opts: { metaSectors?: number; destSectors?: number } = {}) => {
      try {
        setup({ table, ...opts });
      } catch (e) {
        expect(e).to.be.instanceOf(InputError);
        return e as InputError;
      }
      throw new Error('no error');
    };
    it('region size not a power of two', () => {
      const e = bad(`0 ${SIZE} clone meta dest source 96`);
      expect(e.field).to.equal('region size');
      expect(e.message).to.match(/power of 2/);
    });
    it('region size outside 8 sectors .. 1 GiB', () => {
      expect(bad(`0 ${SIZE} clone meta dest source 4`).field).to.equal('region size');
      expect(bad(`0 ${SIZE} clone meta dest source ${1 << 22}`).field).to.equal('region size');
    });
    it('destination smaller than the source', () => {
      const e = bad(`0 ${SIZE} clone meta dest source 128`, { destSectors: SIZE / 2 });
      expect(e.field).to.equal('destination dev');
      expect(e.message).to.match(/destination device/);
    });
    it('metadata device too small', () => {
      const e = bad(`0 ${SIZE} clone meta dest source 128`, { metaSectors: 64 });
      expect(e.field).to.equal('metadata dev');
      expect(e.message).to.match(/too small/);
    });
    it('unknown feature, odd core args', () => {
      expect(bad(`0 ${SIZE} clone meta dest source 128 1 fast`).field).to.equal('feature arg');
      expect(bad(`0 ${SIZE} clone meta dest source 128 0 1 hydration_threshold`).field).to.equal('#core args');
      expect(bad(`0 ${SIZE} clone meta dest source 128 0 2 speed 3`).field).to.equal('core arg');
    });
  });
});
