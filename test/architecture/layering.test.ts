// The folder layout is the architecture: each layer of kernel-lib/ imports only the layers
// below it, and files do not import each other in circles (a circle of type-only imports is
// tolerated inside the engine, sim/, whose event, process and simulation types describe
// one another).
import { expect } from 'chai';
// @ts-expect-error: a plain .mjs script without type declarations
import { cycles, importGraph } from '../../scripts/import-graph.mjs';

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

/** Layer of each top folder of kernel-lib/, bottom up; a file may import its own layer and those below. */
const LAYER: Record<string, number> = {
  base: 0,
  sim: 1,
  block: 2,
  dm: 3,
  fs: 3,
  workload: 4,
  scenario: 5,
  analysis: 6,
  notebook: 7,
  cli: 8,
};

/** Same-rank folders that must not import each other. */
const SIBLINGS: [string, string][] = [['dm', 'fs']];

const folder = (file: string) => file.split('/')[1];
const edges = importGraph() as Edge[];

describe('architecture: layering', () => {
  it('every kernel-lib folder has a layer', () => {
    const folders = new Set(edges.flatMap((e) => [folder(e.from), folder(e.to)]));
    for (const f of folders) expect(LAYER, f).to.have.property(f);
  });

  it('no import runs up a layer (workload does not import dm; dm and fs do not import each other)', () => {
    const up = edges.filter((e) => LAYER[folder(e.to)] > LAYER[folder(e.from)]).map((e) => `${e.from} -> ${e.to}`);
    expect(up).to.deep.equal([]);
    const workloadToDm = edges.filter((e) => folder(e.from) === 'workload' && folder(e.to) === 'dm').map((e) => `${e.from} -> ${e.to}`);
    expect(workloadToDm).to.deep.equal([]);
    for (const [a, b] of SIBLINGS) {
      const across = edges.filter((e) => (folder(e.from) === a && folder(e.to) === b) || (folder(e.from) === b && folder(e.to) === a));
      expect(across.map((e) => `${e.from} -> ${e.to}`)).to.deep.equal([]);
    }
  });

  it('no circle of imports that load code, anywhere', () => {
    expect(cycles(edges.filter((e) => !e.typeOnly))).to.deep.equal([]);
  });

  it('no circle at all outside sim/, type-only ones included', () => {
    const outside = (cycles(edges) as string[][]).filter((c) => !c.every((f) => f.startsWith('kernel-lib/sim/')));
    expect(outside).to.deep.equal([]);
  });

  it('the checker finds a planted circle', () => {
    expect(cycles([{ from: 'a', to: 'b', typeOnly: false }, { from: 'b', to: 'a', typeOnly: true }])).to.deep.equal([['a', 'b']]);
  });
});
