// The 2019 device measurement (docs/references.md#devices-2019): six fio figures each for a
// 375 GB HDD with its write cache on and a 375 GB SATA SSD, as published rows and as
// one-job scenarios on the `hdd-2019` and `ssd-sata-2019` profiles. Each row says whether a
// profile parameter was fitted to it ([C] in block/profiles.ts: the row is a regression
// guard) or not (held out: the row tests the model); docs/references.md#calibration-rows.

export type Device2019Metric = 'lat_us' | 'iops' | 'mb_s';

export interface Device2019Row {
  device: 'hdd-2019' | 'ssd-sata-2019';
  job: string;
  /** The job's own fio options (4 KiB direct time-based I/O on the whole device is common). */
  fio: string;
  metric: Device2019Metric;
  published: number;
  role: 'fitted' | 'held-out';
  /** The profile parameters fitted to this row ([C]); empty when held out. */
  fittedBy: readonly string[];
}

const LAT = 'ioengine=psync';
const QD32 = 'ioengine=libaio\niodepth=32';

// Write jobs run after a ramp_time that fills the device's write cache, so that they measure
// the steady state the published runs (minutes long) saw.
export const DEVICES_2019: readonly Device2019Row[] = [
  { device: 'ssd-sata-2019', job: 'randwrite-lat', fio: `rw=randwrite\n${LAT}\nruntime=0.2`, metric: 'lat_us', published: 72.6, role: 'fitted', fittedBy: ['write_ack_ns'] },
  { device: 'ssd-sata-2019', job: 'randwrite-iops', fio: `rw=randwrite\n${QD32}\nramp_time=0.5\nruntime=0.3`, metric: 'iops', published: 64490, role: 'held-out', fittedBy: [] },
  { device: 'ssd-sata-2019', job: 'seqwrite-bw', fio: `rw=write\nbs=256k\n${QD32}\nramp_time=0.5\nruntime=0.3`, metric: 'mb_s', published: 390, role: 'fitted', fittedBy: ['program_ns'] },
  { device: 'ssd-sata-2019', job: 'randread-lat', fio: `rw=randread\n${LAT}\nruntime=0.2`, metric: 'lat_us', published: 122, role: 'fitted', fittedBy: ['read_ns'] },
  { device: 'ssd-sata-2019', job: 'randread-iops', fio: `rw=randread\n${QD32}\nruntime=0.2`, metric: 'iops', published: 150920, role: 'fitted', fittedBy: ['dies_per_channel'] },
  { device: 'ssd-sata-2019', job: 'seqread-bw', fio: `rw=read\nbs=256k\n${QD32}\nruntime=0.3`, metric: 'mb_s', published: 701, role: 'fitted', fittedBy: ['link_mbps'] },
  { device: 'hdd-2019', job: 'seqwrite-bw', fio: `rw=write\nbs=256k\n${QD32}\nramp_time=10\nruntime=2`, metric: 'mb_s', published: 120, role: 'fitted', fittedBy: ['outer_mbps'] },
  { device: 'hdd-2019', job: 'seqread-bw', fio: `rw=read\nbs=256k\n${QD32}\nruntime=2`, metric: 'mb_s', published: 120, role: 'fitted', fittedBy: ['outer_mbps'] },
  { device: 'hdd-2019', job: 'randwrite-lat', fio: `rw=randwrite\n${LAT}\nramp_time=10\nruntime=5`, metric: 'lat_us', published: 701, role: 'fitted', fittedBy: ['write_buffer_extents'] },
  { device: 'hdd-2019', job: 'randwrite-iops', fio: `rw=randwrite\n${QD32}\nramp_time=10\nruntime=5`, metric: 'iops', published: 1425, role: 'held-out', fittedBy: [] },
  { device: 'hdd-2019', job: 'randread-lat', fio: `rw=randread\n${LAT}\nruntime=5`, metric: 'lat_us', published: 1400, role: 'held-out', fittedBy: [] },
  { device: 'hdd-2019', job: 'randread-iops', fio: `rw=randread\n${QD32}\nruntime=5`, metric: 'iops', published: 712, role: 'held-out', fittedBy: [] },
];

/** The row's job alone on the bare device `sdb`: fio, 4 KiB direct I/O unless the job says otherwise. */
export function device2019(row: Device2019Row): object {
  const fio = `[${row.job}]\nfilename=/dev/sdb\ndirect=1\nbs=4k\ntime_based\n${row.fio}\n`;
  return { seed: 1, devices: { sdb: row.device }, workload: { fio } };
}
