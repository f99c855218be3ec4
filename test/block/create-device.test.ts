import { expect } from 'chai';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { BlkMq, RequestQueue, createDevice } from '../../kernel-lib/block/index.js';

describe('block/create-device', () => {
  const sim = new Simulation();

  it('puts the queue the block options ask for in front of the device', () => {
    expect(createDevice(sim, null, { name: 'a', profile: 'hdd-sata-2007', block: { queue: 'legacy' } })).to.be.instanceOf(RequestQueue);
    const mq = createDevice(sim, null, { name: 'b', profile: 'nvme-gen4' });
    expect(mq).to.be.instanceOf(BlkMq);
    expect((mq as BlkMq).scheduler).to.equal('none');
    expect(mq.limits.maxSectors).to.equal(1024);
  });

  it('applies overrides', () => {
    const d = createDevice(sim, null, { name: 'c', profile: 'null_blk', overrides: { hw_queue_depth: 8, gb: 1 } });
    expect(d.driver.queueDepth).to.equal(8);
    expect(d.sizeSectors).to.equal(2 ** 21);
  });

  it('names the unknown profile, parameter or bad value', () => {
    expect(() => createDevice(sim, null, { name: 'sdb', profile: 'hdd-1999' })).to.throw(/devices\.sdb\.profile: unknown profile "hdd-1999"; known: hdd-sata-2007/);
    expect(() => createDevice(sim, null, { name: 'sdb', profile: 'hdd-2019', overrides: { rmp: 5400 } })).to.throw(/devices\.sdb\.rmp: unknown parameter of profile hdd-2019/);
    expect(() => createDevice(sim, null, { name: 'sdb', profile: 'hdd-2019', overrides: { rpm: '5400' } })).to.throw(/devices\.sdb\.rpm: expected a number/);
    expect(() => createDevice(sim, null, { name: 'sdb', profile: 'hdd-2019', overrides: { rpm: -1 } })).to.throw(/devices\.sdb\.rpm: expected a finite number >= 0/);
    expect(() => createDevice(sim, null, { name: 'sdb', profile: 'hdd-2019', overrides: { scheduling: 'elevator' } })).to.throw(/devices\.sdb\.scheduling: expected one of fifo, sptf/);
    expect(() => createDevice(sim, null, { name: 'n', profile: 'null_blk', overrides: { irqmode: 4 } })).to.throw(/devices\.n\.irqmode: expected one of 0, 1, 2/);
    expect(() => createDevice(sim, null, { name: 'sdb', profile: 'hdd-2019', block: { nr_requests: 0 } })).to.throw(/block\.nr_requests/);
    expect(() => createDevice(sim, null, { name: 'sdb', profile: 'hdd-2019', overrides: { avg_seek_ns: 100 } })).to.throw(/devices\.sdb: seek curve/);
    expect(() => createDevice(sim, null, { name: 'l', profile: 'loop' })).to.throw(/devices\.l: a loop device needs `backing`/);
  });

  it('refuses a device of no sectors (a zero-size RAM disk) and one beyond 2^53 bytes, naming the size parameter', () => {
    const sim = new Simulation();
    expect(() => createDevice(sim, null, { name: 'ram0', profile: 'ram', overrides: { size_mib: 0 } })).to.throw(/^devices\.ram0\.size_mib: the device has no sectors/);
    expect(() => createDevice(sim, null, { name: 'nb', profile: 'null_blk', overrides: { gb: 0.0000001 } })).to.throw(/^devices\.nb\.gb: the device has no sectors/);
    expect(() => createDevice(sim, null, { name: 'ram1', profile: 'ram', overrides: { size_mib: 2 ** 40 } })).to.throw(/^devices\.ram1\.size_mib: the device is larger than 2\^53 bytes/);
  });
});
