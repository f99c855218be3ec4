import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSweepSpec, selectMetrics } from '../../kernel-lib/analysis/sweep-spec.js';
import { sweep } from '../../kernel-lib/analysis/sweep.js';
import { inputErrorOf } from '../helpers/input-error.js';

describe('analysis/sweep-spec', function () {
  this.timeout(0);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-spec-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const spec = (text: string) => {
    const file = path.join(dir, 'x.yaml');
    fs.writeFileSync(file, text);
    return file;
  };

  it("is the notebook's sweep: getting-started.ipynb runs sweeps/getting-started-ncq.yaml, whose options are these", () => {
    const s = loadSweepSpec('sweeps/getting-started-ncq.yaml');
    // The options sweep() gets (the cache keys come from exactly these).
    const notebook = {
      runner: { module: 'kernel-lib/scenario/sweep-runner.ts', export: 'scenarioPoint' },
      params: { scenario: 'examples/hdd-2019-randread-qd32.yaml', 'workload.fio.global.randrepeat': 0 },
      grid: { 'devices.sdb.queue_depth': [1, 4, 8, 16, 31], 'devices.sdb.scheduling': ['fifo', 'sptf'] },
      replicates: 3,
      seed: 1,
      label: 'NCQ sweep',
    };
    expect(s.options).to.deep.equal(notebook);
    const cell = fs.readFileSync('notebooks/getting-started.ipynb', 'utf8');
    expect(cell).to.include("runSweepSpec(loadSweepSpec('sweeps/getting-started-ncq.yaml'))");
    expect(s.name).to.equal('getting-started-ncq');
  });

  it('names the file, line and field of each mistake', () => {
    const cases: [string, number, string, RegExp][] = [
      ['scenario: examples/ram-dd.yaml\ngrids: {}\n', 2, 'grids', /unknown field \(a sweep file has: scenario, runner/],
      ['scenario: examples/ram-dd.yaml\nrunner: { module: x.ts }\n', 2, 'runner', /either scenario .* or runner/],
      ['scenario: examples/nope.yaml\n', 1, 'scenario', /no such file: examples\/nope.yaml \(paths are relative to the project root/],
      ['runner: { module: test/analysis/fixtures/burn.ts, exports: run }\n', 1, 'runner.exports', /unknown field/],
      ['scenario: examples/ram-dd.yaml\ngrid:\n  a: []\n', 3, 'grid.a', /non-empty list of values/],
      ['scenario: examples/ram-dd.yaml\ngrid:\n  - {a: 1}\n  - 7\n', 4, 'grid.1', /each point of a list is a mapping/],
      ['scenario: examples/ram-dd.yaml\nseed: 1.5\n', 2, 'seed', /must be an integer, got 1.5/],
      ['scenario: examples/ram-dd.yaml\nmetrics: [a, a]\n', 2, 'metrics', /'a' is listed twice/],
      ['scenario: examples/ram-dd.yaml\nparams: { scenario: b.yaml }\n', 2, 'params.scenario', /top-level scenario field/],
    ];
    for (const [text, line, field, reason] of cases) {
      const e = inputErrorOf(() => loadSweepSpec(spec(text)));
      expect(e.file, text).to.equal(path.join(dir, 'x.yaml'));
      expect(e.line, text).to.equal(line);
      expect(e.field, text).to.equal(field);
      expect(e.reason, text).to.match(reason);
    }
    expect(inputErrorOf(() => loadSweepSpec(spec('- 1\n'))).message).to.include('a sweep file is a mapping');
  });

  it('keeps the listed metrics, in their order; an unknown one is an error at metrics', async () => {
    const s = loadSweepSpec(spec('runner: { module: test/analysis/fixtures/burn.ts }\ngrid: { x: [1, 2] }\nparams: { iterations: 100 }\nmetrics: [label, y]\n'));
    const t = await sweep({ ...s.options, workers: 1, cache: false, quiet: true });
    expect(selectMetrics(s, t).columnNames()).to.deep.equal(['x', 'iterations', 'replicate', 'seed', 'label', 'y']);
    const bad = loadSweepSpec(spec('runner: { module: test/analysis/fixtures/burn.ts }\nmetrics:\n  - iops\n'));
    const e = inputErrorOf(() => selectMetrics(bad, t));
    expect(e.line).to.equal(2);
    expect(e.reason).to.equal("'iops' is not a metric the runner returns (it returns: y, noise, label, even)");
  });
});
