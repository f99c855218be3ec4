import { expect } from 'chai';
import { inputErrorOf as error } from '../helpers/input-error.js';
import { loadScenario } from '../../kernel-lib/scenario/run.js';
import { parseScenarioText } from '../../kernel-lib/scenario/load.js';
import { validateScenario } from '../../kernel-lib/scenario/schema.js';
import { applyOverrides } from '../../kernel-lib/scenario/params.js';

const TEXT = `devices:
  ram0: ram
  ram1: ram
vars:
  chunk: 8
  bs: 4k
stack: lin
stacks:
  raw:
    vars: { filename: ram0 }
  lin:
    vars: { filename: /dev/mapper/l }
    targets:
      l: 0 1024 linear ram1 \${chunk}
workload:
  fio: |
    [j]
    filename=\${filename}
    bs=\${bs}
`;

function check(text: string, set: Record<string, unknown> = {}) {
  const loaded = parseScenarioText(text, 'v.yaml');
  applyOverrides(loaded.data, set);
  return validateScenario(loaded);
}

describe('scenario vars and stacks', () => {
  it('expands ${name} in the chosen stack\'s tables and in the fio job', () => {
    const s = check(TEXT);
    expect(s.stack).to.equal('lin');
    expect(s.targets.l.table).to.equal('0 1024 linear ram1 8');
    expect(s.workload.kind === 'fio' && s.workload.text).to.equal('[j]\nfilename=/dev/mapper/l\nbs=4k\n');
  });

  it('--set picks another stack and changes a variable; other stacks\' targets are not built', () => {
    const s = check(TEXT, { stack: 'raw', 'vars.bs': '256k' });
    expect(Object.keys(s.targets)).to.deep.equal([]);
    expect(s.workload.kind === 'fio' && s.workload.text).to.equal('[j]\nfilename=ram0\nbs=256k\n');
  });

  it('names the unknown stack and the unknown variable with their lines', () => {
    const e1 = error(() => check(TEXT, { stack: 'nope' }));
    expect(e1.message).to.match(/stack: no stack 'nope' in stacks \(known: raw, lin\)/);
    const e2 = error(() => check(TEXT.replace('${chunk}', '${chunck}')));
    expect(e2.line).to.equal(14); // the table line itself
    expect(e2.message).to.match(/unknown variable \$\{chunck\} \(defined in vars: chunk, bs, filename, stack\)/);
    const e3 = error(() => check(TEXT.replace('chunk: 8', 'chunk: [8]')));
    expect(e3.field).to.equal('vars.chunk');
  });

  it('the clone example builds each of its stacks', function () {
    this.timeout(0);
    for (const stack of ['raw-slow', 'raw-ssd', 'clone', 'snapshot']) {
      const { scenario } = loadScenario('examples/clone-2019-vs-snapshot.yaml', { set: { stack, 'vars.region': 128 } });
      expect(scenario.stack).to.equal(stack);
      if (stack === 'clone') expect(scenario.targets.clone.table).to.match(/clone \/dev\/vg\/ssd_meta \/dev\/vg\/ssd_dest \/dev\/vg\/slow_src 128$/);
      if (stack === 'snapshot') expect(scenario.targets.snap.table).to.match(/snapshot \/dev\/mapper\/r1 \/dev\/vg\/ssd_cow P 128$/);
    }
  });
});
