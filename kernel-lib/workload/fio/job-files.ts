// A job's files, as fio sets them up and picks among them:
// - names (init.c add_job, options.c str_filename_cb, filesetup.c add_dir_files): the files of
//   `filename=a:b:c` (':' separates, '\:' is a literal colon), else nrfiles files named
//   jobname.jobnum.filenum (filename_format's default) under `directory`, else every regular
//   file under `opendir` (recursively);
// - sizes (filesetup.c setup_files): each file takes size/nrfiles bytes (the first files one
//   block more when that does not divide), or `filesize` (a range: a size drawn per file, a
//   multiple of the smallest block size), or, with neither, what the file already has (a
//   device's size, an existing file's length); the job's size is at most the files' total;
// - the next file (io_u.c __get_next_file): file_service_type roundrobin (the default: the
//   next open file every file_service_nr I/Os), sequential (a file until it is done), random
//   (uniform over the files), or zipf/pareto/normal over the files (fio's distributions over
//   nr_files << 10 ranges, without the hash, so file 0 is the hottest). A file is done when
//   its bytes are issued (uniform types; the skewed ones reset a done file instead); the job
//   ends when every file is done.
import { InputError } from '../../base/input-error.js';
import type { BlockDevice } from '../../block/device.js';
import { type RandomStream, ZipfDistribution } from '../../sim/index.js';
import type { NextOffset } from './next-offset.js';
import type { JobOptions } from './options.js';

/** struct fio_file, as far as the model needs it. */
export interface FioFile<C = unknown> {
  readonly name: string;
  readonly dev: BlockDevice;
  /** Its page cache for buffered I/O (null: direct). */
  readonly cache: C | null;
  /** Where the file's I/O starts on `dev` (offset, offset_increment), and its length, bytes. */
  readonly regionStart: number;
  readonly regionBytes: number;
  /** Per direction: where the next I/O in this file goes (one random map per file, as fio's f->io_axmap). */
  offsets: (NextOffset | null)[];
  /** Bytes issued to the file in this loop. */
  issued: number;
  done: boolean;
}

/** A file opendir found: its path and length. */
export interface ListedFile {
  name: string;
  bytes: number;
}

/** FIO_FSERVICE_SHIFT: the skewed distributions draw over nr_files << 10 ranges. */
const FSERVICE_SHIFT = 10;

/**
 * The names of the job's files (before `directory` is prefixed), and for opendir their
 * lengths. `listDir` lists a directory's regular files recursively, or null when there is no
 * file system to list.
 */
export function jobFileNames(o: JobOptions, clone: number, source: string, listDir?: (dir: string) => ListedFile[] | null): { name: string; bytes: number | null }[] {
  const at = (field: string) => ({ file: source, line: o.lines[field] ?? o.line, field });
  const expand = (t: string, filenum: number) => t.replaceAll('$jobnum', String(clone)).replaceAll('$jobname', o.name).replaceAll('$filenum', String(filenum));
  const under = (base: string) => (o.directory !== null && !base.startsWith('/') ? `${o.directory.replace(/\/$/, '')}/${base}` : base);
  if (o.filename !== null) {
    const names = o.filename.split(/(?<!\\):/).filter((n) => n !== '');
    return names.map((n, i) => ({ name: under(expand(n.replace(/\\:/g, ':'), i)), bytes: null }));
  }
  if (o.opendir !== null) {
    const listed = listDir?.(o.opendir) ?? null;
    if (listed === null) throw new InputError(`opendir=${o.opendir}: no mounted file system holds that directory (run fio in a shell workload, after mount)`, at('opendir'));
    if (listed.length === 0) throw new InputError(`opendir=${o.opendir}: the directory holds no files`, at('opendir'));
    return listed.map((f) => ({ name: f.name, bytes: f.bytes }));
  }
  if (o.nrfiles === 1 && o.directory === null) return [{ name: o.name, bytes: null }];
  const format = o.filenameFormat ?? '$jobname.$jobnum.$filenum';
  return Array.from({ length: o.nrfiles }, (_, i) => ({ name: under(expand(format, i)), bytes: null }));
}

/**
 * Each file's bytes of I/O per loop (setup_files): size split over the files, filesize (a
 * range drawn per file), or the file's own length (`existing`: a device's size from the
 * region start, an existing file's length; null for a new file).
 */
export function fileIoSizes(o: JobOptions, existing: (number | null)[], drawFileSize: () => number, at: (field: string) => { file: string; line: number; field: string }): number[] {
  const n = existing.length;
  const minBs = Math.min(...o.bs);
  if (o.fileSize !== null) return existing.map(() => (o.fileSize![0] === o.fileSize![1] ? o.fileSize![0] : drawFileSize()));
  if (o.size !== null) {
    const fs = Math.floor(o.size / n);
    let extra = Math.floor((o.size - fs * n) / minBs);
    return existing.map(() => fs + (extra-- > 0 ? minBs : 0));
  }
  return existing.map((bytes) => {
    if (bytes === null) throw new InputError(`the job's ${n} files are new: give size= (split over them) or filesize= (each)`, at(o.lines.nrfiles !== undefined ? 'nrfiles' : 'filename'));
    return bytes;
  });
}

/** get_next_file: which of the job's files the next I/O goes to. */
export class FileService<F extends FioFile = FioFile> {
  private nextFile = 0;
  private current: F | null = null;
  private left = 0;
  private nrDone = 0;
  private readonly zipf: ZipfDistribution | null = null;
  private readonly nranges: number;
  private readonly skewed: boolean;

  constructor(
    private readonly files: F[],
    private readonly o: JobOptions,
    private readonly rng: RandomStream,
  ) {
    this.nranges = files.length << FSERVICE_SHIFT;
    this.skewed = o.fileServiceType === 'zipf' || o.fileServiceType === 'pareto' || o.fileServiceType === 'gauss';
    if (o.fileServiceType === 'zipf') this.zipf = new ZipfDistribution(this.nranges, o.fileServiceParam);
  }

  /** The file for the next I/O, or null when every file is done. */
  next(): F | null {
    if (this.nrDone >= this.files.length) return null;
    const f = this.current;
    if (f !== null && !f.done) {
      if (this.o.fileServiceType === 'sequential') return f;
      if (this.left > 0) {
        this.left--;
        return f;
      }
    }
    const picked = this.o.fileServiceType === 'roundrobin' || this.o.fileServiceType === 'sequential' ? this.roundRobin() : this.random();
    this.current = picked;
    this.left = this.o.fileServiceNr - 1;
    return picked;
  }

  /** `bytes` were issued to `f`: a uniform service retires a file whose bytes (its region) are done, a skewed one starts it afresh. */
  issued(f: FioFile, bytes: number): void {
    f.issued += bytes;
    if (f.issued < f.regionBytes) return;
    if (this.skewed) f.issued = 0;
    else if (!f.done) {
      f.done = true;
      this.nrDone++;
    }
  }

  /** A new loop: every file is open again. */
  reset(): void {
    for (const f of this.files) {
      f.issued = 0;
      f.done = false;
    }
    this.nrDone = 0;
    this.current = null;
  }

  private roundRobin(): F | null {
    const start = this.nextFile;
    do {
      const f = this.files[this.nextFile];
      this.nextFile = (this.nextFile + 1) % this.files.length;
      if (!f.done) return f;
    } while (this.nextFile !== start);
    return null;
  }

  private random(): F {
    for (;;) {
      const f = this.files[this.fileno()];
      if (!f.done) return f;
    }
  }

  /** __get_next_fileno_rand. */
  private fileno(): number {
    const o = this.o;
    const n = this.files.length;
    if (o.fileServiceType === 'random') return Math.floor(n * this.rng.random());
    let r: number;
    if (this.zipf !== null) r = this.zipf.sample(this.rng) - 1;
    else if (o.fileServiceType === 'pareto') r = Math.floor((this.nranges - 1) * Math.pow(this.rng.random(), Math.log(o.fileServiceParam) / Math.log(1 - o.fileServiceParam)));
    else r = this.gauss();
    return Math.min(n - 1, r >> FSERVICE_SHIFT);
  }

  /** lib/gauss.c gauss_next: the mean of 12 uniform draws, moved by up to a deviation of dev% of the ranges. */
  private gauss(): number {
    const nranges = this.nranges;
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += this.rng.integer(0, nranges);
    sum = Math.floor((sum + 11) / 12);
    const stddev = this.o.fileServiceParam === 0 ? 0 : Math.min(Math.floor(nranges / 2), Math.ceil((nranges * this.o.fileServiceParam) / 100));
    if (stddev > 0) {
      let dev = Math.trunc(stddev * this.rng.random()) - Math.trunc(stddev / 2);
      while (dev + sum >= nranges) dev = Math.trunc(dev / 2);
      sum += dev;
    }
    return sum % nranges;
  }
}
