// Every profile against its published figures (docs/references.md#devices-2019,
// docs/references.md#device-facts), with the stated tolerances. Figures the model cannot
// reach for physical reasons are asserted on the side of physics and reported as gaps (see
// docs/devices.md), not hidden.
import { expect } from 'chai';
import { listProfiles, PROFILES } from '../../kernel-lib/block/index.js';
import { measure, type Figure } from './calibration.js';

const within = (got: number, target: number, tol: number, what: string): void => {
  const err = (got - target) / target;
  expect(Math.abs(err), `${what}: model ${got.toFixed(1)} vs published ${target} (${(err * 100).toFixed(1)}%)`).to.be.at.most(tol);
};

describe('block/profiles (calibration)', () => {
  it('lists every profile with documented parameters', () => {
    const list = listProfiles();
    expect(list.map((p) => p.name)).to.include.members(['hdd-sata-2007', 'hdd-2019', 'ssd-sata-2019', 'nvme-gen4', 'null_blk', 'ram']);
    for (const p of list) for (const param of p.params) expect(param.unit, `${p.name}.${param.name}`).to.not.equal('');
  });

  // Rows a [C] parameter was fitted to guard the fit; held-out rows test the model
  // (docs/references.md#calibration-rows). Long enough runs for the write buffer to fill
  // (steady state), short enough for the suite.
  const SSD_T = { runtimeNs: 0.12e9, rampNs: 0.15e9 };
  // Sequential writes fill the 64 MiB buffer at link speed first: a longer ramp (cheap).
  const ssdT = (figure: Figure) => (figure === 'seqWriteMBps' ? { runtimeNs: 0.3e9, rampNs: 0.5e9 } : SSD_T);
  const NVME_T = { runtimeNs: 0.04e9, rampNs: 0.02e9 };
  // Device capability: 4 jobs x QD128 without host CPU limits (two simulated cores could not
  // submit 1.5M IOPS, nor can two real ones).
  const deep = { withCpus: false, iodepth: 128, numjobs: 4 };

  describe('fitted rows (regression guards), within 15%', () => {
    const ssd: [Figure, number, string][] = [
      ['randWriteLatUs', 72.6, 'write_ack_ns'],
      ['seqWriteMBps', 390, 'program_ns'],
      ['randReadLatUs', 122, 'read_ns'],
      ['randReadIops', 150920, 'dies_per_channel'],
      ['seqReadMBps', 701, 'link_mbps'],
    ];
    for (const [figure, target, param] of ssd) {
      it(`ssd-sata-2019 ${figure} ≈ ${target} (${param})`, () => within(measure('ssd-sata-2019', figure, ssdT(figure)), target, 0.15, figure));
    }
    it('nvme-gen4 random read ≈ 1.4M IOPS (read_ns)', () => within(measure('nvme-gen4', 'randReadIops', NVME_T, deep), 1.4e6, 0.15, 'rand read'));
    it('nvme-gen4 random write ≈ 1.55M IOPS (command_overhead_ns)', () => within(measure('nvme-gen4', 'randWriteIops', NVME_T, deep), 1.55e6, 0.15, 'rand write'));
    it('nvme-gen4 sequential write ≈ 6900 MB/s (program_ns)', () => within(measure('nvme-gen4', 'seqWriteMBps', NVME_T, { withCpus: false }), 6900, 0.15, 'seq write'));
    it('hdd-2019 sequential 256 KiB read and write ≈ 120 MB/s (outer_mbps)', () => {
      // The ramp lets the write buffer (128 MiB, filled at link speed) reach steady state.
      const T = { runtimeNs: 1e9, rampNs: 1e9 };
      within(measure('hdd-2019', 'seqReadMBps', T), 120, 0.15, 'seq read');
      within(measure('hdd-2019', 'seqWriteMBps', T), 120, 0.15, 'seq write');
    });
  });

  describe('held-out rows (validation)', () => {
    it('ssd-sata-2019 randWriteIops ≈ 64490 within 15% (over-provisioning, no fitted write amplification)', () =>
      within(measure('ssd-sata-2019', 'randWriteIops', SSD_T), 64490, 0.15, 'randWriteIops'));
    it('nvme-gen4 sequential read ≈ 7450 MB/s within 15% (the PCIe 4.0 x4 link)', () =>
      within(measure('nvme-gen4', 'seqReadMBps', NVME_T, { withCpus: false }), 7450, 0.15, 'seq read'));

    it('hdd-2019 random write in steady state is destage-bound: psync latency ≈ 1 / QD32 IOPS, as published', () => {
      // Published: 701 us and 1425 IOPS, and 1 / 701 us = 1427/s. Once the buffer is full
      // every write waits for one destage, whatever the depth. The rate itself is a gap
      // beyond 15% (docs/devices.md), checked within 25% here.
      const T = { runtimeNs: 1e9, rampNs: 5e9 };
      const lat = measure('hdd-2019', 'randWriteLatUs', T, { withCpus: false });
      const iops = measure('hdd-2019', 'randWriteIops', T, { withCpus: false });
      within(lat, 701, 0.25, 'rand write lat');
      within(iops, 1425, 0.25, 'rand write IOPS');
      within(1e6 / lat, iops, 0.1, 'psync rate vs QD32 rate');
    });

    it('hdd-2019 random reads are mechanical: a seek and half a turn, so the published 1.4 ms / 712 IOPS are out of reach (gap)', () => {
      // A 4 KiB random read over the whole disk needs on average the mean seek and half a turn
      // (4.17 ms at 7200 rpm): no mechanical disk reaches 1.4 ms.
      const T = { runtimeNs: 2e9, rampNs: 0.2e9 };
      const p = PROFILES['hdd-2019'].params;
      const halfTurnUs = 30e6 / (p.rpm as number);
      const mechanicalUs = (p.avg_seek_ns as number) / 1e3 + halfTurnUs;
      const lat = measure('hdd-2019', 'randReadLatUs', T, { withCpus: false });
      expect(lat).to.be.above(halfTurnUs + 1000);
      expect(lat).to.be.closeTo(mechanicalUs, mechanicalUs * 0.1);
      // NCQ with SPTF over 31 commands more than doubles the IOPS of one at a time.
      const iops = measure('hdd-2019', 'randReadIops', T, { withCpus: false });
      expect(iops).to.be.above(2 * (1e6 / lat));
    });
  });

  it('is deterministic: same seed, same numbers; another seed, other numbers', () => {
    const T = { runtimeNs: 0.5e9, rampNs: 0 };
    const a = measure('hdd-sata-2007', 'randReadLatUs', T, { seed: 5 });
    const b = measure('hdd-sata-2007', 'randReadLatUs', T, { seed: 5 });
    const c = measure('hdd-sata-2007', 'randReadLatUs', T, { seed: 6 });
    expect(a).to.equal(b);
    expect(a).to.not.equal(c);
  });
});
