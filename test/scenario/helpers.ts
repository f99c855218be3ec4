// Scenario tests run on fake devices unless they test calibration: fast and independent of
// the device models.
import type { DeviceFactory } from '../../kernel-lib/scenario/build.js';
import { FakeDevice } from '../dm/fake-device.js';

/** Profiles of the fake factory: "fake-<service us>us-<size MiB>m". */
export const fakeFactory: DeviceFactory = (sim, _cpus, spec) => {
  const m = /^fake-(\d+)us-(\d+)m$/.exec(spec.profile);
  if (m === null) throw new Error(`devices.${spec.name}.profile: unknown profile "${spec.profile}"; known: fake-<us>us-<MiB>m`);
  for (const key of Object.keys(spec.overrides)) throw new Error(`devices.${spec.name}.${key}: unknown parameter of profile ${spec.profile}`);
  const dev = new FakeDevice(sim, spec.name, Number(m[2]) * 2048, Number(m[1]) * 1000);
  dev.record = false;
  return dev;
};
