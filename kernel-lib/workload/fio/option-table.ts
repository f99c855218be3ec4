// Every job option of fio's HOWTO (docs/references.md#fio-examples: HOWTO.rst "Job file parameters", aliases from
// options.c), in one place, with what dmsim does with it:
// - modelled: it changes the I/O the simulated stack sees, and dmsim does what fio does (the
//   setters in options.ts, the mechanics in job.ts / offsets.ts / fio.ts);
// - accepted with no effect: fio's behaviour with it issues the same I/O in the model (a
//   clock source, a NUMA hint, a report switch); fio lists it under the job's options in its
//   JSON output, and so does dmsim;
// - refused, with the reason: it changes the I/O in a way dmsim does not model, or belongs to
//   an engine dmsim does not run. A refused option is an error naming file, line and option:
//   silently ignoring it would make a simulated result look like a measurement of another job.
// A value equal to fio's default is accepted for any option listed with `defaults`, since
// it asks for nothing fio would not do anyway.
// test/workload/fio/option-table.test.ts checks that every option of the HOWTO is here.

export type OptionStatus =
  | { status: 'modelled' }
  | { status: 'no-effect'; why: string }
  | { status: 'refused'; why: string; /** Values that ask for fio's default behaviour, accepted. */ defaults?: string[] };

/** The block engines dmsim runs (see job.ts for their semantics). */
export const BLOCK_ENGINES = ['sync', 'psync', 'vsync', 'pvsync', 'pvsync2', 'libaio', 'io_uring', 'posixaio', 'mmap', 'null', 'io_uring_cmd'] as const;
export type IoEngine = (typeof BLOCK_ENGINES)[number];

/** Engines dmsim refuses, with what they do (the refusal names the engine). */
const OTHER_ENGINES: Record<string, string> = {
  net: 'network sockets', netsplice: 'network sockets with splice', rdma: 'RDMA', http: 'HTTP/S3/Swift object storage',
  sg: 'SCSI generic passthrough', bsg: 'SCSI generic passthrough', libzbc: 'zoned devices through libzbc', cpuio: 'CPU burning',
  exec: 'running programs', e4defrag: 'ext4 online defragmentation', falloc: 'fallocate', ftruncate: 'ftruncate',
  filecreate: 'file creation', filedelete: 'file deletion', filestat: 'file stat', dircreate: 'directory creation',
  dirdelete: 'directory deletion', dirstat: 'directory stat', 'dev-dax': 'DAX devices', libpmem: 'persistent memory',
  rbd: 'Ceph RBD', rados: 'Ceph RADOS', gfapi: 'GlusterFS', gfapi_async: 'GlusterFS', libhdfs: 'HDFS', nfs: 'NFS (libnfs)',
  nbd: 'NBD', libiscsi: 'iSCSI', mtd: 'MTD flash', ime_psync: 'DDN IME', ime_psyncv: 'DDN IME', ime_aio: 'DDN IME',
  libcufile: 'GPUDirect Storage', libhipfile: 'ROCm hipFile', libblkio: 'libblkio (virtio/vhost)', xnvme: 'xNVMe',
  dfs: 'DAOS', cpp_null: 'the C++ null engine', page_fault: 'page faults on a mapping', splice: 'splice', guasi: 'GUASI',
  solarisaio: 'Solaris AIO', windowsaio: 'Windows AIO', external: 'an external engine', 'rdma_cm': 'RDMA',
};

/** Why an engine is refused, or null for a block engine. */
export function engineRefusal(engine: string): string | null {
  if ((BLOCK_ENGINES as readonly string[]).includes(engine)) return null;
  const what = OTHER_ENGINES[engine] ?? (engine.startsWith('external:') ? OTHER_ENGINES.external : undefined);
  const kind = what !== undefined ? ` (${what})` : '';
  return `ioengine=${engine}${kind} is not a block engine: dmsim runs ${BLOCK_ENGINES.join(', ')}`;
}

const NO_EFFECT: Record<string, string> = {
  description: 'a label', thread: 'threads or processes issue the same I/O', clocksource: 'the simulation has one clock',
  gtod_reduce: 'timing calls cost nothing in the model', gtod_cpu: 'timing calls cost nothing in the model',
  job_start_clock_id: 'the simulation has one clock', numa_cpu_nodes: 'one memory node', numa_mem_policy: 'one memory node',
  disk_util: 'disk_util is always reported', stats: 'statistics are always gathered', group_reporting: 'reporting',
  new_group: 'reporting', per_job_logs: 'logs', clat_percentiles: 'reporting', lat_percentiles: 'reporting',
  slat_percentiles: 'reporting', significant_figures: 'terse output only', block_error_percentiles: 'trim errors only',
  disable_lat: 'measurement switch: the latencies are still reported', disable_clat: 'measurement switch: the latencies are still reported',
  disable_slat: 'measurement switch: the latencies are still reported', disable_bw_measurement: 'measurement switch: bandwidth is still reported',
  error_dump: 'error messages', continue_on_error: 'the model\'s block engines see no errors unless a target injects them (they are warned about)',
  ignore_error: 'as continue_on_error', exitall_on_error: 'as continue_on_error', uid: 'credentials', gid: 'credentials', comm: 'a process name',
  invalidate: 'the page cache starts empty', fadvise_hint: 'readahead is the page cache\'s own', unique_filename: 'client/server mode only',
  create_serialize: 'file setup', create_fsync: 'file setup', create_on_open: 'file setup', allow_file_create: 'file setup',
  allow_mounted_write: 'a safety check', unlink: 'file cleanup after the run', unlink_each_loop: 'file cleanup', lockfile: 'one job per file',
  overwrite: 'a block device is always allocated', fallocate: 'a block device is always allocated',
  iomem: 'buffer memory', mem: 'buffer memory', iomem_align: 'buffer memory', mem_align: 'buffer memory', 'hugepage-size': 'buffer memory',
  lockmem: 'memory the machine model does not lack', buffer_compress_chunk: 'compressibility is modelled per block',
  verify_interval: 'what the verify header covers', verify_offset: 'what the verify header covers', verify_pattern: 'content checked',
  verify_pattern_interval: 'content checked', verify_fatal: 'verification never fails in the model', verify_dump: 'verification never fails',
  verify_async_cpus: 'the verify threads float over every core',
  verify_state_save: 'state files', verify_state_load: 'state files', verify_header_seed: 'content checked',
  verify_write_sequence: 'content checked', verify_policy: 'what a verify failure does (verification never fails)',
  log_entries: 'log memory', log_compression: 'log memory', log_compression_cpus: 'log memory', log_store_compressed: 'log memory',
  log_prio: 'every I/O has the default priority', log_issue_time: 'per-I/O logs are not written', softrandommap: 'the random map is always allocated',
  fixedbufs: 'a user-space copy saving below the model\'s resolution', registerfiles: 'a descriptor lookup below the model\'s resolution',
  nonvectored: 'read vs readv below the model\'s resolution', libaio_vectored: 'as nonvectored', userspace_reap: 'reaping without a system call below the model\'s resolution',
  force_async: 'io_uring punting below the model\'s resolution', serialize_overlap: 'offsets in flight never overlap in a pass',
  bwavgtime: 'bandwidth samples every 500 ms', iopsavgtime: 'IOPS samples every 500 ms',
  write_hint: 'devices in the model ignore lifetime hints', filetype: 'the file is the device',
  exit_what: 'which jobs exitall stops', allrandrepeat: 'as randrepeat',
};

/** Refused: changes the I/O in a way dmsim does not model. */
const REFUSED: Record<string, { why: string; defaults?: string[] }> = {
  kb_base: { why: 'sizes are read as fio reads them with kb_base=1024 (the default)', defaults: ['1024'] },
  unit_base: { why: 'bit-based units are not reported', defaults: ['0', '8'] },
  create_only: { why: 'a job that only creates its files does no I/O the model has', defaults: ['0'] },
  ramp_size: { why: 'ramping by bytes is not modelled; use ramp_time' },
  ioscheduler: { why: 'the scheduler is the scenario\'s: set block.scheduler' },
  pre_read: { why: 'pre-reading files into the cache is not modelled', defaults: ['0'] },
  zonecapacity: { why: 'zoned block devices are not modelled' }, read_beyond_wp: { why: 'zoned block devices are not modelled', defaults: ['0'] },
  max_open_zones: { why: 'zoned block devices are not modelled' }, job_max_open_zones: { why: 'zoned block devices are not modelled' },
  ignore_zone_limits: { why: 'zoned block devices are not modelled', defaults: ['0'] }, zone_reset_threshold: { why: 'zoned block devices are not modelled' },
  zone_reset_frequency: { why: 'zoned block devices are not modelled' }, recover_zbd_write_error: { why: 'zoned block devices are not modelled', defaults: ['0'] },
  write_zone_remainders: { why: 'zoned block devices are not modelled', defaults: ['0'] },
  unified_rw_reporting: { why: 'mixed-direction reporting is not produced', defaults: ['0', 'none'] },
  write_barrier: { why: 'barrier writes are not modelled', defaults: ['0'] },
  sprandom: { why: 'SSD preconditioning regions are not modelled', defaults: ['0'] }, spr_num_regions: { why: 'see sprandom' },
  spr_op: { why: 'see sprandom' }, spr_cs: { why: 'see sprandom' },
  blocksize_unaligned: { why: 'unaligned block sizes are not modelled (the block layer works in 512-byte sectors)', defaults: ['0'] },
  bs_unaligned: { why: 'as blocksize_unaligned', defaults: ['0'] },
  bs_is_seq_rand: { why: 'block sizes by sequential/random are not modelled', defaults: ['0'] },
  dedupe_mode: { why: 'only the repeat mode of dedupe_percentage is modelled', defaults: ['repeat'] },
  dedupe_working_set_percentage: { why: 'only the repeat mode of dedupe_percentage is modelled', defaults: ['100'] },
  dedupe_global: { why: 'deduplication across jobs is not modelled', defaults: ['0'] },
  file_append: { why: 'appending to files needs a file system', defaults: ['0'] },
  cmdprio_percentage: { why: 'I/O priorities are not modelled' }, cmdprio_class: { why: 'I/O priorities are not modelled' },
  cmdprio_hint: { why: 'I/O priorities are not modelled' }, cmdprio: { why: 'I/O priorities are not modelled' },
  cmdprio_bssplit: { why: 'I/O priorities are not modelled' }, prio: { why: 'I/O priorities are not modelled' },
  prioclass: { why: 'I/O priorities are not modelled' }, priohint: { why: 'I/O priorities are not modelled' },
  nice: { why: 'CPU priorities are not modelled', defaults: ['0'] },
  sqthread_poll: { why: 'io_uring\'s submission polling thread is not modelled', defaults: ['0'] },
  sqthread_poll_cpu: { why: 'see sqthread_poll' },
  hipri: { why: 'polled completions are not modelled', defaults: ['0'] }, hipri_percentage: { why: 'polled completions are not modelled', defaults: ['0'] },
  nowait: { why: 'RWF_NOWAIT is not modelled', defaults: ['0'] }, uncached: { why: 'uncached buffered I/O is not modelled', defaults: ['0'] },
  atomic: { why: 'atomic writes are not modelled', defaults: ['0'] },
  fdp: { why: 'NVMe flexible data placement is not modelled', defaults: ['0'] }, dataplacement: { why: 'see fdp' }, data_placement: { why: 'see fdp' },
  plid_select: { why: 'see fdp' }, fdp_pli_select: { why: 'see fdp' }, plids: { why: 'see fdp' }, fdp_pli: { why: 'see fdp' }, dp_scheme: { why: 'see fdp' },
  md_per_io_size: { why: 'NVMe metadata and protection information are not modelled' }, pi_act: { why: 'see md_per_io_size' },
  pi_chk: { why: 'see md_per_io_size' }, apptag: { why: 'see md_per_io_size' }, apptag_mask: { why: 'see md_per_io_size' },
  num_range: { why: 'multi-range trims are not modelled', defaults: ['1'] },
  readfua: { why: 'FUA on the sg engine only' }, writefua: { why: 'FUA on the sg engine only' }, stream_id: { why: 'write streams are not modelled' },
  io_submit_mode: { why: 'offloaded submission is not modelled', defaults: ['inline'] },
  thinkcycles: { why: 'CPU cycles between I/Os are not modelled' },
  thinktime_spin: { why: 'spinning part of thinktime is not modelled', defaults: ['0'] },
  thinktime_blocks_type: { why: 'only thinktime_blocks counted in completed I/Os is modelled', defaults: ['complete'] },
  thinktime_iotime: { why: 'thinktime by I/O time is not modelled', defaults: ['0'] },
  rate_ignore_thinktime: { why: 'not modelled', defaults: ['0'] },
  latency_target: { why: 'latency-target depth search is not modelled' }, latency_window: { why: 'see latency_target' },
  latency_percentile: { why: 'see latency_target' }, latency_run: { why: 'see latency_target', defaults: ['0'] },
  max_latency: { why: 'fio ends a job above max_latency; the model does not' },
  write_iolog: { why: 'I/O logs are not written; use dmsim run --trace' }, read_iolog: { why: 'replay traces with workload.trace' },
  read_iolog_chunked: { why: 'see read_iolog' }, merge_blktrace_file: { why: 'see read_iolog' }, merge_blktrace_scalars: { why: 'see read_iolog' },
  merge_blktrace_iters: { why: 'see read_iolog' }, replay_no_stall: { why: 'see read_iolog' }, replay_time_scale: { why: 'see read_iolog' },
  replay_redirect: { why: 'see read_iolog' }, replay_align: { why: 'see read_iolog' }, replay_scale: { why: 'see read_iolog' }, replay_skip: { why: 'see read_iolog' },
  cpumask: { why: 'use cpus_allowed (a CPU list)' },
  cgroup: { why: 'cgroups are not modelled' }, cgroup_weight: { why: 'cgroups are not modelled' }, cgroup_nodelete: { why: 'cgroups are not modelled', defaults: ['0'] },
  flow_id: { why: 'flow control between jobs is not modelled' }, flow: { why: 'flow control between jobs is not modelled', defaults: ['0'] },
  flow_sleep: { why: 'flow control between jobs is not modelled' },
  exec_prerun: { why: 'programs are not run' }, exec_postrun: { why: 'programs are not run' },
  experimental_verify: { why: 'not modelled', defaults: ['0'] }, verify_backlog_batch: { why: 'verify_backlog batches are not modelled' },
  trim_percentage: { why: 'trim-and-verify is not modelled', defaults: ['0'] }, trim_verify_zero: { why: 'see trim_percentage' },
  trim_backlog: { why: 'see trim_percentage' }, trim_backlog_batch: { why: 'see trim_percentage' },
  steadystate: { why: 'ending jobs on a steady-state criterion is not modelled' }, ss: { why: 'see steadystate' },
  steadystate_duration: { why: 'see steadystate' }, ss_dur: { why: 'see steadystate' }, steadystate_ramp_time: { why: 'see steadystate' },
  ss_ramp: { why: 'see steadystate' }, steadystate_check_interval: { why: 'see steadystate' }, ss_interval: { why: 'see steadystate' },
  write_hist_log: { why: 'histogram logs are not written' }, log_hist_msec: { why: 'histogram logs are not written' },
  log_hist_coarseness: { why: 'histogram logs are not written' },
  log_unix_epoch: { why: 'logs count from the job\'s start', defaults: ['0'] }, log_alternate_epoch: { why: 'logs count from the job\'s start', defaults: ['0'] },
  log_alternate_epoch_clock_id: { why: 'logs count from the job\'s start' },
  numruns: { why: 'repeat with dmsim run --set seed=N', defaults: ['1'] }, profile: { why: 'fio\'s built-in profiles are not modelled' },
  end_syncfs: { why: 'syncfs needs a file system', defaults: ['0'] },
};

/** Options of engines dmsim refuses (their engine's refusal says it all). */
const ENGINE_OPTIONS = [
  'cpuload', 'cpuchunks', 'cpumode', 'exit_on_io_done', 'namenode', 'port', 'hostname', 'interface', 'ttl', 'nodelay', 'protocol',
  'proto', 'listen', 'pingpong', 'window_size', 'mss', 'donorname', 'inplace', 'clustername', 'rbdname', 'clientname', 'conf',
  'busy_poll', 'touch_objects', 'rbd_encryption_format', 'rbd_encryption_passphrase', 'pool', 'cont', 'chunk_size', 'object_class',
  'skip_bad', 'hdfsdirectory', 'verb', 'bindname', 'stat_type', 'write_mode', 'verify_bytchk', 'read_mode', 'verify_mode', 'sg_write_mode',
  'http_host', 'http_user', 'http_pass', 'https', 'http_mode', 'http_s3_region', 'http_s3_key', 'http_s3_keyid', 'http_s3_security_token',
  'http_s3_sse_customer_key', 'http_s3_sse_customer_algorithm', 'http_s3_storage_class', 'http_swift_auth_token', 'http_verbose',
  'http_object_mode', 'uri', 'gpu_dev_ids', 'gpu_dev_id', 'cuda_io', 'rocm_io', 'nfs_url', 'program', 'arguments', 'grace_time', 'std_redirect',
  'xnvme_async', 'xnvme_sync', 'xnvme_admin', 'xnvme_dev_nsid', 'xnvme_dev_subnqn', 'xnvme_mem', 'xnvme_iovec', 'libblkio_driver',
  'libblkio_path', 'libblkio_pre_connect_props', 'libblkio_num_entries', 'libblkio_queue_size', 'libblkio_pre_start_props', 'libblkio_vectored',
  'libblkio_write_zeroes_on_trim', 'libblkio_wait_mode', 'libblkio_force_enable_completion_eventfd', 'no_completion_thread', 'cdb_len',
  'volume', 'brick',
];

/** Options of fio's act and tiobench profiles (profile= is refused). */
const PROFILE_OPTIONS = ['device-names', 'load', 'test-duration', 'threads-per-queue', 'read-req-num-512-blocks', 'large-block-op-kbytes', 'prep', 'block', 'dir', 'threads'];

/** What dmsim does with option `name` (after aliases), or undefined for a name fio does not have. */
export function optionStatus(name: string, modelled: (name: string) => boolean): OptionStatus | undefined {
  if (modelled(name)) return { status: 'modelled' };
  const noEffect = NO_EFFECT[name];
  if (noEffect !== undefined) return { status: 'no-effect', why: noEffect };
  const refused = REFUSED[name];
  if (refused !== undefined) return { status: 'refused', ...refused };
  if (ENGINE_OPTIONS.includes(name)) return { status: 'refused', why: 'an option of an engine dmsim does not run (see ioengine)' };
  // fio registers its built-in profiles' options with every job; only a profile= job reads them.
  if (PROFILE_OPTIONS.includes(name)) return { status: 'no-effect', why: 'an option of fio\'s act/tiobench profiles, read only by a profile= job (refused)' };
  return undefined;
}

/** Every option name the table knows (for the HOWTO coverage test and docs). */
export function tabledOptions(): string[] {
  return [...Object.keys(NO_EFFECT), ...Object.keys(REFUSED), ...ENGINE_OPTIONS, ...PROFILE_OPTIONS];
}
