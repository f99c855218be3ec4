// The six published rows of the 2019 "375 GB HDD" (docs/references.md#devices-2019) on the
// cloud-pd-375g-2019 profile, end to end through runScenario with the same fio jobs as the
// hdd-2019 calibration (kernel-lib/scenario/calibration/devices-2019.ts), tolerance 15%.
// Four of the profile's numbers are the published caps ([C]: read_iops, write_iops,
// read_mbps, write_mbps); the two psync latencies are held out: they follow from the caps
// through the token bucket (latency = 1 / cap), which a mechanical disk does not show.
import { expect } from 'chai';
import { runScenario } from '../../../kernel-lib/scenario/run.js';
import { DEVICES_2019, device2019, type Device2019Row } from '../../../kernel-lib/scenario/calibration/devices-2019.js';

const TOLERANCE = 0.15;
const PROFILE = 'cloud-pd-375g-2019';

function measure(row: Device2019Row): number {
  const job = runScenario(device2019({ ...row, device: PROFILE as Device2019Row['device'] })).fio!.jobs[0];
  const d = job.write.total_ios > 0 ? job.write : job.read;
  return row.metric === 'lat_us' ? d.lat_ns.mean / 1e3 : row.metric === 'iops' ? d.iops : d.bw_bytes / 1e6;
}

describe(`block/devices/${PROFILE} against the 2019 HDD rows`, function () {
  this.timeout(0); // long simulations: their wall time depends on the load, their results do not
  for (const row of DEVICES_2019.filter((r) => r.device === 'hdd-2019')) {
    const role = row.metric === 'lat_us' ? 'held out' : 'fitted cap';
    it(`${row.job}: ${row.published} ${row.metric} within ${TOLERANCE * 100}% (${role})`, () => {
      const got = measure(row);
      const err = got / row.published - 1;
      expect(Math.abs(err), `model ${got.toFixed(1)} vs published ${row.published} (${(err * 100).toFixed(2)}%)`).to.be.at.most(TOLERANCE);
    });
  }
});
