// The 2023 dm-vdo figures (docs/references.md#vdo-2023): "upwards of a dozen handoffs per 4 kB
// write", "processing 1 GB/s means handling over 3M messages per second", the busiest
// single-purpose threads at 50-90 % of a CPU above 1 GB/s, on a 2023 server with NVMe
// (examples/vdo-2023-nvme.yaml). What the figures are to the model:
// - handoffs per write and messages per GB are counts of the mechanism (which callback runs on
//   which thread, vdo_launch_completion's enqueue-or-run rule): nothing was fitted to them, so
//   they validate;
// - the busiest threads' load is what the step costs (`vdo.stepNs`, `queueNs`, `wakeNs`,
//   `ackNs`, `udsNs`, ...: kernel-lib/dm/vdo/params.ts) were fitted to, once: that check guards
//   the fit. The throughput the example reaches is a prediction (nothing published to check it).

export const VDO_2023 = {
  handoffsPerWriteAtLeast: 12,
  messagesPerSecondPerGBps: 3e6,
  busiestThreadBusy: { min: 0.5, max: 0.9 },
  aboveGBps: 1,
} as const;

/** VDO's own single-purpose threads (not the index's, not the kworkers of the other designs). */
export const VDO_THREAD_PREFIXES = ['journalQ', 'packerQ', 'logQ', 'physQ', 'hashQ', 'ackQ', 'cpuQ', 'bioQ', 'reqQ'] as const;

/** examples/vdo-2023-nvme.yaml's fio job with another runtime (the tests run a short one). */
export function nvmeFioJob(runtime: string, extra = ''): string {
  return `[global]
filename=/dev/mapper/vdo0
direct=1
bs=4k
rw=randwrite
ioengine=libaio
iodepth=128
numjobs=4
size=200g
group_reporting
runtime=${runtime}
time_based
${extra}[randwrite]
`;
}
