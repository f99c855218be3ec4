// dm-userspace end to end on the 2006 machine, with a 2 MB copy instead of 20 MB: cowd is a
// thread on the simulated cores, its answers are what the kernel remaps by, and a run is
// deterministic.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { runScenario } from '../../kernel-lib/scenario/run.js';

function small(set: Record<string, unknown> = {}) {
  const sc = parse(readFileSync('examples/userspace-2006-copy.yaml', 'utf8'));
  sc.workload.trees['/src/data'] = { files: 2, size: '1M' };
  return runScenario(sc, { set });
}

describe('scenario: dm-userspace copy (2006 machine, 2 MB)', function () {
  this.timeout(0);

  it('cowd\'s CPU time is on the simulated core, with the workload\'s and the kernel threads\'', () => {
    const r = small();
    const threads = r.dmsim.threads as { name: string; cpu_ns: number; context_switches?: number }[];
    const cowd = threads.find((t) => t.name === 'cowd-cow0')!;
    expect(cowd.cpu_ns).to.be.above(0);
    expect(cowd.context_switches).to.be.above(0);
    const total = threads.filter((t) => (t as { kind?: string }).kind !== 'work').reduce((s, t) => s + t.cpu_ns, 0);
    const busy = r.dmsim.cpu_util[0] * r.dmsim.simulated_ns;
    expect(total).to.be.at.most(busy + 1);
    const m = r.metrics();
    const cmds = [2, 3, 4].reduce((s, i) => s + (m[`cmd${i}_s`] as number), 0);
    expect(m.mount_to_umount_s).to.be.closeTo(cmds, 1e-9);
    expect((r.toJSON() as { mount_to_umount_s: number }).mount_to_umount_s, '--json has it too').to.equal(m.mount_to_umount_s);
    const status = (r.dmsim.devices.find((d) => d.name === 'cow') as { status: Record<string, number>[] }).status[0];
    expect(status.requests).to.equal(status.responses);
    expect(status.erroredBios).to.equal(0);
  });

  it('is deterministic: the same scenario and seed give the same results', () => {
    const a = small({ 'userspace.notify': 'sleep' });
    const b = small({ 'userspace.notify': 'sleep' });
    expect(a.metrics()).to.deep.equal(b.metrics());
    expect(JSON.stringify(a.dmsim.devices)).to.equal(JSON.stringify(b.dmsim.devices));
    expect(JSON.stringify(a.dmsim.threads)).to.equal(JSON.stringify(b.dmsim.threads));
  });
});
