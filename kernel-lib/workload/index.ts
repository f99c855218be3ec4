// Workloads: fio job files, dd operands and block traces, each driving a block device of the
// simulated stack and reporting the way the real tool does.
export * from './fio/index.js';
export { DdRun, parseDdOperands, ddTransferLine, type DdOptions, type DdResult, type DdEnvironment } from './dd.js';
export { parseTrace, parseBlkparse, parseDiskSim, parseMsr, TraceReplay, type TraceRecord, type TraceFormat, type ReplayOptions } from './trace/index.js';
