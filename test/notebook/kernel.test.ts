import { expect } from 'chai';
import * as path from 'node:path';
import { FIXTURES, jupyterEnv, runProgram } from './jupyter-env.js';

describe('notebook/kernel (Jupyter kernel test suite)', function () {
  this.timeout(900_000);

  it('passes jupyter_kernel_test.KernelTests against the project-local dmsim kernelspec', async () => {
    const ran = await runProgram('/usr/bin/python3', [path.join(FIXTURES, 'kernel_tests.py')], { env: jupyterEnv(), timeoutMs: 600_000 });
    const report = ran.stderr;
    expect(report, report).to.match(/^OK \(skipped=1\)$/m);
    expect(ran.code, report).to.equal(0);
    // Every protocol feature the brief names is exercised, not skipped.
    for (const test of ['kernel_info', 'execute_stdout', 'execute_stderr', 'execute_result', 'error', 'display_data', 'completion', 'inspect', 'is_complete', 'history', 'clear_output', 'error_names_cell_and_line', 'execute_input_counts', 'interrupt_busy_cell', 'background_error_keeps_kernel_alive']) {
      expect(report, report).to.match(new RegExp(`^test_${test} .* \\.\\.\\. (\\n.*)*?ok$`, 'm'));
    }
    expect(report).to.match(/^test_pager .* skipped/m);
  });
});
