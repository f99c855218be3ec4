import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../kernel-lib/base/input-error.js';
import { loadScenario } from '../../kernel-lib/scenario/run.js';
import { checkParams, pageCacheOptions, ParamError } from '../../kernel-lib/scenario/params.js';

function problem(params: Record<string, unknown>): ParamError {
  try {
    checkParams(params);
  } catch (err) {
    if (err instanceof ParamError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(params)}`);
}

describe('scenario/params', () => {
  it('a namespace no registered target reads is an unknown parameter, named with its key', () => {
    for (const key of ['nosuchtarget.threads', 'era.x', 'dm.x']) {
      const err = problem({ [key]: 1 });
      expect(err.key).to.equal(key);
      expect(err.message).to.match(/unknown parameter/);
    }
  });

  it('the dedup target reads dedup.*, bufio.* and pdata.*: their own parsers name a bad key', () => {
    for (const [key, value] of [['dedup.x', 1], ['clone.region_size', 1], ['clone.preCommitFlush', 'yes'], ['bufio.locking', '5.0'], ['pdata.commit', 'sometimes']] as const) {
      const err = problem({ [key]: value });
      expect(err.key).to.equal(key);
    }
    checkParams({ 'bufio.locking': '3.2', 'pdata.commit': 'cow', 'dedup.flusherIntervalS': 10 });
  });

  it('in a scenario file, the unknown key is reported with the file and its line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-params-'));
    const file = path.join(dir, 's.yaml');
    fs.writeFileSync(file, ['devices:', '  sda: ram', 'params:', '  kernel: "5.0"', '  clone.hydration_threshold: 1', 'workload:', '  dd: if=/dev/zero of=sda bs=1M count=1', ''].join('\n'));
    try {
      loadScenario(file);
      expect.fail('accepted clone.hydration_threshold');
    } catch (err) {
      expect(err).to.be.instanceOf(InputError);
      const e = err as InputError;
      expect([e.file, e.line, e.field]).to.deep.equal([file, 5, 'clone.hydration_threshold']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a registered target type's namespace is checked by its own parser even without that target", () => {
    expect(problem({ 'snapshot.locking': 'spin' }).key).to.equal('snapshot.locking');
    expect(problem({ 'kcopyd.requeu': 'head' }).key).to.equal('kcopyd.requeu');
    expect(() => checkParams({ 'snapshot.locking': 'mutex', 'kcopyd.requeue': 'head' })).not.to.throw();
  });

  it('checks page-cache values with the page cache validator, naming the key', () => {
    const err = problem({ 'pagecache.throttle': 'foo' });
    expect(err.key).to.equal('pagecache.throttle');
    expect(err.message).to.match(/one of "2.6", "io-less"/);
    expect(problem({ 'pagecache.dirty_ratoi': 10 }).key).to.equal('pagecache.dirty_ratoi');
    expect(() => checkParams({ 'pagecache.throttle': '2.6', 'pagecache.dirty_ratio': 30 })).not.to.throw();
  });

  it('reads every spelling of a kernel version the era tables know, and refuses others', () => {
    for (const k of ['2.6.21', '5.0', '6.x', '6.8-rc1']) expect(() => checkParams({ kernel: k }), k).not.to.throw();
    expect(problem({ kernel: 'linux' }).key).to.equal('kernel');
    expect(problem({ kernel: 6 }).key).to.equal('kernel');
  });

  it('CFS wakeup preemption by era: off before 2.6.23, on from it and without a kernel', () => {
    expect(checkParams({ kernel: '2.6.21' }).machine.wakeupPreemption).to.equal(false);
    expect(checkParams({ kernel: '2.6.23' }).machine.wakeupPreemption).to.equal(true);
    expect(checkParams({}).machine.wakeupPreemption).to.equal(true);
    expect(checkParams({ kernel: '2.6.21', 'cpu.wakeup_preemption': true }).machine.wakeupPreemption).to.equal(true);
  });

  it('the page cache gets its era defaults, then pagecache.* on top', () => {
    expect(pageCacheOptions({ kernel: '2.6.25' })).to.include({ dirty_ratio: 10, throttle: '2.6' });
    expect(pageCacheOptions({ kernel: '2.6.21', 'pagecache.dirty_ratio': 30 })).to.include({ dirty_ratio: 30, throttle: '2.6' });
    expect(pageCacheOptions({})).to.deep.equal({});
  });
});
