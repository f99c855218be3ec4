// Tables pasted from `dmsetup table` on a machine: the `name:` prefix and devices written as
// major:minor, resolved against a scenario's devices numbered as the kernel numbers them.
import { expect } from 'chai';
import { parseTable } from '../../../kernel-lib/dm/table.js';
import type { MappedDevice } from '../../../kernel-lib/dm/mapped-device.js';
import type { LinearTarget } from '../../../kernel-lib/dm/linear.js';
import type { StripedTarget } from '../../../kernel-lib/dm/targets/striped.js';
import { buildStack } from '../../../kernel-lib/scenario/build.js';
import { parseScenarioText } from '../../../kernel-lib/scenario/load.js';
import { validateScenario } from '../../../kernel-lib/scenario/schema.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { fakeFactory } from '../../scenario/helpers.js';
import { refusal } from './helpers.js';

function build(yaml: string) {
  const loaded = parseScenarioText(`${yaml}workload:\n  dd: if=/dev/zero of=/dev/null bs=4k count=1\n`, 'paste.yaml');
  const scenario = validateScenario(loaded);
  const sim = new Simulation({ seed: 1 });
  return buildStack(scenario, loaded.source, sim, null, fakeFactory);
}

const DEVICES = `devices:
  sda: fake-10us-64m
  sdb: fake-10us-64m
  nvme0n1: fake-10us-64m
  sdc: fake-10us-64m
  nvme1n1: fake-10us-64m
  loop3: fake-10us-64m
`;

describe('dm/dmsetup table pasted as printed', () => {
  it('drops a name: prefix that names the device being built', () => {
    const [l] = parseTable('vg-lv: 0 2097152 linear 8:16 2048', { deviceName: 'vg-lv' });
    expect(l).to.deep.equal({ start: 0, length: 2097152, target: 'linear', args: ['8:16', '2048'], line: 1 });
  });

  it('refuses a line of another device, naming both', () => {
    const msg = refusal(() => parseTable('0 8 zero\nother: 8 8 zero', { deviceName: 'mine', source: 'x.yaml', firstLine: 4 }));
    expect(msg).to.match(/^x\.yaml:5: name: this line is dmsetup's table of device 'other', but the device being built is 'mine'/);
  });

  it('resolves sd* as 8:16k, nvme as 259:N and loopN as 7:N, and dm devices as 253:N in creation order', () => {
    const stack = build(`${DEVICES}
volumes:
  lv0: { device: sda, size: 8M }
targets:
  first: |
    first: 0 2048 linear 8:32 0
    first: 2048 2048 linear 259:1 0
  second: |
    second: 0 4096 striped 4 128 253:0 0 254:1 0 7:3 0 8:16 0
  third: |
    0 4096 linear dm-2 0
`);
    const lin = (name: string, i: number) => (stack.resolve(name) as MappedDevice).targets[i].target as LinearTarget;
    expect(lin('first', 0).dev.name).to.equal('sdc'); // 8:32 = third sd disk
    expect(lin('first', 1).dev.name).to.equal('nvme1n1'); // second nvme namespace
    const st = (stack.resolve('second') as MappedDevice).targets[0].target as StripedTarget;
    expect(st.stripes.map((s) => s.dev.name)).to.deep.equal(['lv0', 'first', 'loop3', 'sdb']);
    expect(lin('third', 0).dev.name).to.equal('second'); // dm-2: the third dm device
  });

  it('names the line and field of a major:minor no device has', () => {
    const msg = refusal(() => build(`${DEVICES}
targets:
  t: |
    0 2048 linear 8:48 0
`));
    expect(msg).to.match(/^paste\.yaml:11: dev: linear: <dev>: no device '8:48'/);
  });
});
