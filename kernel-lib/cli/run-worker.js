// The thread `dmsim run` simulates on. The simulation is one long synchronous loop: on the
// main thread it would keep Node from ever running a SIGINT handler, so Ctrl-C could only
// kill the process with nothing printed. Here the main thread stays free to take the signal
// and raise a shared flag, which the run polls (runScenario's stopRequested) before it stops
// and reports what it did, as fio and dd do.
//
// Plain JavaScript, like analysis/sweep-worker.js: a worker starts without the parent's
// loaders, so it registers dmsim's TypeScript hooks itself before importing the library.
import { register } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

register('../../bin/ts-hooks.mjs', import.meta.url);
const { runJob } = await import('./run-job.ts');

const { job, flag } = workerData;
parentPort.postMessage(runJob(job, () => Atomics.load(flag, 0) === 1));
