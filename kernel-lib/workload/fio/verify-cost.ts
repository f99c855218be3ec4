// What fio's verify costs the job's CPU: a checksum over every written block when the write
// is prepared (io_u.c: populate_verify_io_u for each write when verify is set, whether or
// not do_verify reads it back) and over every block read back (verify_io_u at the read's
// completion, on the job's thread unless verify_async). The cost is per byte, by method, on
// one core (docs/references.md#checksum-rates): measured rates where a publication gives
// them, the same algorithm family's rate otherwise [R].

/** ns per byte of each verify= method. */
const NS_PER_BYTE: Readonly<Record<string, number>> = {
  // crc32c with the SSE4.2 instruction: 26,206 MiB/s on 4 KiB blocks [D btrfs-progs #548].
  'crc32c-intel': 1e9 / (26_206 * 2 ** 20),
  // fio's crc32c uses the instruction when the CPU has it (crc32c_arm64/intel probe), as crc32c-intel.
  crc32c: 1e9 / (26_206 * 2 ** 20),
  // Table-driven software CRCs (one table lookup a byte): crc32c-ref at 518.7 MiB/s [D btrfs-progs #548];
  // fio's crc32, crc64, crc16, crc7 are the same byte-at-a-time loop [R].
  crc32: 1e9 / (518.7 * 2 ** 20),
  crc64: 1e9 / (518.7 * 2 ** 20),
  crc16: 1e9 / (518.7 * 2 ** 20),
  crc7: 1e9 / (518.7 * 2 ** 20),
  // xxhash: 11,101 MiB/s [D btrfs-progs #548].
  xxhash: 1e9 / (11_101 * 2 ** 20),
  // Plain C digests on 8 KiB inputs, no SHA extensions: md5 483.6, sha1 438.1, sha256 198.0,
  // sha512 302.0 MB/s [D mirage-crypto 0.6.0]; fio's md5.c/sha*.c are plain C too.
  md5: 1e9 / 483.6e6,
  sha1: 1e9 / 438.1e6,
  sha256: 1e9 / 198.0e6,
  sha512: 1e9 / 302.0e6,
  // Keccak in plain C is slower than sha512 per byte; taken at sha256's rate [R].
  'sha3-224': 1e9 / 198.0e6,
  'sha3-256': 1e9 / 198.0e6,
  'sha3-384': 1e9 / 198.0e6,
  'sha3-512': 1e9 / 198.0e6,
  // pattern: a compare of the buffer against the pattern (memcmp speed, ~8 bytes a cycle) [R];
  // meta: the header only; null: nothing.
  pattern: 0.04,
  meta: 0,
  null: 0,
};

/** CPU ns fio spends checksumming (or comparing) `bytes` with verify method `method`. */
export function verifyChecksumNs(method: string, bytes: number): number {
  const rate = NS_PER_BYTE[method];
  if (rate === undefined) throw new Error(`verify-cost: no checksum rate for '${method}'`);
  return rate * bytes;
}
