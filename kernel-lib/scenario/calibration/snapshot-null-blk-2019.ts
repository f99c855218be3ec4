// The 2019 dm-snapshot measurement on null_blk (docs/references.md#snapshot-null-blk-2019):
// random 4 KiB writes to the origin of a transient snapshot from 1 to 8 fio jobs, before the
// fine-grained locking change, as the published table and as scenario objects for the tests
// and the snapshot study. Every row is fitted: dm-snapshot's and kcopyd's CPU costs
// (dm/snapshot/costs.ts, dm/kcopyd/costs.ts) were calibrated once on them, so they guard the
// fit and do not validate the model (docs/references.md#calibration-rows).

/** Origin writes before the change (mutex): IOPS with libaio QD32, mean latency with psync. */
export const NULL_BLK_2019_PUBLISHED = [
  { jobs: 1, iops: 57708, latUs: 16.25, role: 'fitted' },
  { jobs: 2, iops: 63415, latUs: 31.65, role: 'fitted' },
  { jobs: 4, iops: 67276, latUs: 55.28, role: 'fitted' },
  { jobs: 8, iops: 60564, latUs: 121.47, role: 'fitted' },
] as const;

const GIB = 2 ** 30;

/**
 * Exceptions in the complete table, averaged over a published run: device-mapper-test-suite's
 * snapshot fio configs stop a job at `timeout=120` (s); each job writes its slice once in
 * random order (fio's random map: no chunk twice), and at about 60k writes/s every row
 * (57708-67276 IOPS, 1/16.25 us) reaches ~7.2M exceptions by the timeout, 3.6M on average.
 * The hash chains every lookup walks grow with it (dm/snapshot/exception-table.ts); a 20 ms
 * simulated run starts there instead of simulating the two minutes.
 */
export const NULL_BLK_2019_MEAN_EXCEPTIONS = (60_000 * 120) / 2;

/**
 * Origin 80 GiB on null_blk (gb=1024 bs=512 submit_queues=8 hw_queue_depth=4096 irqmode=1),
 * one transient snapshot with 4 KiB chunks, fio randwrite bs=4k direct=1 from N jobs on their
 * own slices. `engine`: psync (latency) or libaio iodepth=32 (IOPS). The machine had 8 CPUs
 * or more [R: not published; the test machine of the series].
 */
export function nullBlk2019(jobs: number, engine: 'psync' | 'libaio', runtimeMs: number, extra: Record<string, unknown> = {}): object {
  const size = Math.floor(80 / jobs);
  return {
    description: `null_blk origin randwrite, ${jobs} jobs, ${engine}`,
    seed: 1,
    params: { 'cpu.cores': 8, kernel: '5.0', 'snapshot.initialExceptions': NULL_BLK_2019_MEAN_EXCEPTIONS, ...extra },
    devices: { nullb0: { profile: 'null_blk', gb: 1024, bs: 512, submit_queues: 8, hw_queue_depth: 4096, irqmode: 1 } },
    volumes: { 'base-real': { device: 'nullb0', offset: 0, size: '80G' }, cow: { device: 'nullb0', offset: '80G', size: '80G' } },
    targets: {
      base: `0 ${(80 * GIB) / 512} snapshot-origin base-real`,
      snap: `0 ${(80 * GIB) / 512} snapshot base-real cow N 8`,
    },
    workload: {
      fio: [
        '[global]',
        'filename=/dev/mapper/base',
        // device-mapper-test-suite's fio configs (snapshot fio_throughput / fio_latency): one
        // CPU per job from 0 up [R: that the 2019 figures were taken with these configs].
        'cpus_allowed=0-7',
        'cpus_allowed_policy=split',
        'direct=1',
        'bs=4k',
        'rw=randwrite',
        'randrepeat=1',
        engine === 'psync' ? 'ioengine=psync' : 'ioengine=libaio\niodepth=32',
        `numjobs=${jobs}`,
        `size=${size}g`,
        `offset_increment=${size}g`,
        `runtime=${runtimeMs}ms`,
        'time_based',
        'group_reporting',
        '[origin-writes]',
        '',
      ].join('\n'),
    },
  };
}
