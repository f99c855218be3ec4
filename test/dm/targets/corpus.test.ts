// The regression corpus of test/corpus/dmsetup-docs: the kernel documentation's example tables, each
// loaded unchanged (see that folder's README for the file format).
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BlockDevice } from '../../../kernel-lib/block/device.js';
import { createMappedDevice, InputError, type TargetContext } from '../../../kernel-lib/dm/index.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { FakeDevice } from '../fake-device.js';

const DIR = join(import.meta.dirname, '../../corpus/dmsetup-docs');

interface Table {
  name: string;
  text: string;
  firstLine: number;
}

function parseCorpusFile(text: string) {
  const lines = text.split('\n');
  const devices = /^# devices: (.*)$/m.exec(text)?.[1].trim().split(/\s+/) ?? [];
  const refused = /^# expect: refused (.*)$/m.exec(text)?.[1];
  // Format-time choices the tables do not carry (`# params: key=value ...`, scenario params).
  const params = Object.fromEntries((/^# params: (.*)$/m.exec(text)?.[1].trim().split(/\s+/) ?? []).map((kv) => kv.split('=')).map(([k, v]) => [k, Number.isNaN(Number(v)) ? v : Number(v)]));
  const tables: Table[] = [];
  let current: Table | null = null;
  lines.forEach((line, i) => {
    const create = /^# dmsetup create (\S+)$/.exec(line);
    if (create !== null) {
      current = { name: create[1], text: '', firstLine: i + 2 };
      tables.push(current);
      return;
    }
    if (line.startsWith('#') || line.trim() === '') return;
    const prefixed = /^(\S+):\s/.exec(line);
    if (prefixed !== null && (current === null || current.name !== prefixed[1] || !current.text.startsWith(`${prefixed[1]}:`))) {
      current = { name: prefixed[1], text: '', firstLine: i + 1 };
      tables.push(current);
    }
    current!.text += `${line}\n`;
  });
  return { devices, refused, tables, params };
}

function load(file: string) {
  const { devices, refused, tables, params } = parseCorpusFile(readFileSync(join(DIR, file), 'utf8'));
  const sim = new Simulation({ seed: 1 });
  const byName = new Map<string, BlockDevice>();
  const byNumber = new Map<string, string>();
  for (const d of devices) {
    const m = /^([^@=]+)(?:@(\d+:\d+))?(?:=(\d+))?$/.exec(d);
    if (m === null) throw new Error(`${file}: bad device '${d}'`);
    if (m[2] !== undefined) byNumber.set(m[2], m[1]);
    if (m[3] !== undefined) byName.set(m[1], new FakeDevice(sim, m[1], Number(m[3]), 1000));
  }
  const lookupDevice = (n: string) => {
    const name = byNumber.get(n) ?? n.replace(/^\/dev\/(mapper\/)?/, '');
    return byName.get(name);
  };
  for (const t of tables) {
    const ctx: TargetContext = { sim, cpus: null, params, deviceName: t.name, lookupDevice };
    byName.set(t.name, createMappedDevice(ctx, t.text, { file, line: t.firstLine }));
  }
  return { refused, tables, byName, sim };
}

describe('dm/corpus: the kernel documentation tables load unchanged', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.table')).sort();
  it('has a file for each documented target dmsim has', () => {
    expect(files).to.include.members(['linear.table', 'zero.table', 'snapshot.table', 'snapshot-merge.table', 'striped.table', 'delay.table', 'flakey.table', 'clone.table', 'vdo.table']);
  });
  for (const file of files) {
    it(file, () => {
      const text = readFileSync(join(DIR, file), 'utf8');
      expect(text).to.match(/^# source: Documentation\/admin-guide\/device-mapper\//);
      const refused = /^# expect: refused (.*)$/m.exec(text)?.[1];
      if (refused !== undefined) {
        let err: unknown = null;
        try {
          load(file);
        } catch (e) {
          err = e;
        }
        expect(err).to.be.instanceOf(InputError);
        expect((err as InputError).message).to.contain(refused);
        return;
      }
      const { tables, byName } = load(file);
      expect(tables.length).to.be.greaterThan(0);
      for (const t of tables) {
        const md = byName.get(t.name)!;
        // What was loaded is what the file says: one target per table line, sizes as written.
        const rows = t.text.trim().split('\n').map((l) => l.replace(/^\S+:\s+/, '').split(/\s+/));
        expect(md.sizeSectors, t.name).to.equal(Number(rows.at(-1)![0]) + Number(rows.at(-1)![1]));
      }
    });
  }
});
