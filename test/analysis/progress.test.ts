import { expect } from 'chai';
import { createProgress, setProgressFactory, terminalProgress } from '../../kernel-lib/analysis/progress.js';
import { sweep } from '../../kernel-lib/analysis/sweep.js';

describe('analysis/progress', function () {
  this.timeout(600_000); // a sweep runs here; generous on a loaded machine
  afterEach(() => setProgressFactory(null));

  it('sends a sweep’s progress to the installed factory', async () => {
    const events: string[] = [];
    setProgressFactory((label, total) => {
      events.push(`start ${label} ${total}`);
      return { update: (done, info) => events.push(`update ${done}${info ? ` ${info}` : ''}`), stop: () => events.push('stop') };
    });
    const stderr = await captureStderr(() =>
      sweep({ runner: { module: 'test/analysis/fixtures/burn.ts' }, grid: [{ x: 1 }, { x: 2, fail: true }], params: { iterations: 10 }, workers: 1, cache: false, label: 'demo' }),
    );
    expect(events).to.deep.equal(['start demo 2', 'update 0', 'update 1', 'update 2 1 failed', 'stop']);
    // Not quiet, so the failure summary is printed at the end, with the point's parameters.
    expect(stderr).to.match(/1 of 2 runs failed \(kept the others\)\n  \{"iterations":10,"x":2,"fail":true\} replicate 0 \(seed \d+\): point asked to fail/);
  });

  it('falls back to the terminal once the factory is removed', () => {
    setProgressFactory(() => {
      throw new Error('must not be used');
    });
    setProgressFactory(null);
    const progress = withStderr(false, () => createProgress('x', 1));
    expect(progress).to.have.property('update');
  });

  it('prints a plain line on a non-TTY stderr when done', () => {
    const written = withStderr(false, () => {
      const progress = terminalProgress('sweep demo', 4);
      progress.update(3, '1 cached');
      progress.stop();
    });
    // The last line, and perhaps one more if the machine stalled 10 s between update and stop
    // (one line at most every 10 s): nothing here depends on how fast the machine is.
    expect(written).to.match(/^(sweep demo: 3\/4 done in \d+\.\d s, 1 cached\n){1,2}$/);
  });
});

/** Runs `fn` with stderr pretending (not) to be a TTY; returns what was written, or fn's value. */
function withStderr<T>(tty: boolean, fn: () => T): T | string {
  const stderr = process.stderr as NodeJS.WriteStream & { isTTY: boolean };
  const savedTTY = stderr.isTTY;
  const savedWrite = stderr.write;
  let written = '';
  stderr.isTTY = tty;
  stderr.write = ((chunk: string) => ((written += chunk), true)) as typeof stderr.write;
  try {
    const value = fn();
    return value === undefined ? written : value;
  } finally {
    stderr.isTTY = savedTTY;
    stderr.write = savedWrite;
  }
}

async function captureStderr(fn: () => Promise<unknown>): Promise<string> {
  const savedWrite = process.stderr.write;
  let written = '';
  process.stderr.write = ((chunk: string) => ((written += chunk), true)) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = savedWrite;
  }
  return written;
}
