import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inputErrorOf as error } from '../helpers/input-error.js';
import { loadScenarioFile, parseScenarioText } from '../../kernel-lib/scenario/load.js';
import { loadScenario } from '../../kernel-lib/scenario/run.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-load-'));

/** The classic "billion laughs": ten levels of nine aliases each, 10^9 strings once expanded. */
function aliasBomb(): string {
  const lines = ['  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i < 10; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`  ${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  }
  return `seed: 1\nparams:\n${lines.join('\n')}\ndevices:\n  ram0: ram\nworkload:\n  dd: of=ram0 bs=4k count=1\n`;
}

describe('scenario/load', () => {
  it('refuses a YAML alias bomb with a located message instead of expanding it', () => {
    const e = error(() => parseScenarioText(aliasBomb(), 'bomb.yaml'));
    expect(e.message).to.match(/^bomb\.yaml: too many YAML aliases \(more than 100 expansions\)/);
  });

  it('keeps ordinary aliases working', () => {
    const s = parseScenarioText('x: &v 3\ny: *v\n', 'ok.yaml');
    expect(s.data).to.deep.equal({ x: 3, y: 3 });
  });

  it('says a file with two YAML documents holds two documents, at the line of the second', () => {
    const e = error(() => parseScenarioText('seed: 1\n---\nseed: 2\n', 'two.yaml'));
    expect(e.message).to.equal('two.yaml:2: the file holds 2 YAML documents (separated by ---); a scenario is one document');
  });

  it('says a binary file is binary, not a YAML error at some column', () => {
    const file = path.join(dir, 'binary.yaml');
    fs.writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0xff, 0xfe]));
    expect(error(() => loadScenarioFile(file)).message).to.equal(`${file}: a binary file (a NUL byte at offset 7), not a YAML or JSON scenario`);
    const latin1 = path.join(dir, 'latin1.yaml');
    fs.writeFileSync(latin1, Buffer.from('description: caf\xe9\n', 'latin1'));
    expect(error(() => loadScenarioFile(latin1)).message).to.equal(`${latin1}:1: not UTF-8 text (an invalid byte 0xe9 at offset 16)`);
  });

  it('shows invisible characters in keys', () => {
    const e = error(() => loadScenario(parseScenarioText('se\u200bed: 1\ndevices: { ram0: ram }\nworkload: { dd: of=ram0 }\n', 'zw.yaml').data as object));
    expect(e.message).to.match(/se\\u200bed: unknown key/);
  });

  it('names a duplicate key', () => {
    expect(error(() => parseScenarioText('seed: 1\nseed: 2\n', 'dup.yaml')).message).to.equal('dup.yaml:2: the key "seed" appears twice in the same mapping');
  });
});
