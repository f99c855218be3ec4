// fio in dmsim: job files in, fio-shaped results out.
export { parseJobFile, type JobFile, type JobSection, type JobOption } from './job-file.js';
export { jobOptions, SUPPORTED_OPTIONS, type JobOptions } from './options.js';
export { FioJob, type JobEnvironment } from './job.js';
export { FioRun, type JobReport } from './fio.js';
export { fioJson, FIO_VERSION, type DiskUtilInput } from './json-output.js';
export { fioText, num2str } from './text-output.js';
export { parseSize, parseTime } from './units.js';
