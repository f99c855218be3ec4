// dm-dedup's model parameters (`dedup.*`). The table line carries what dmdedup's own
// constructor takes; these are what the question adds:
//   flusherIntervalS  the 2013 prototype's flusher thread committing every N s (0: none, as
//                     in dmdedup4.19, which commits every `flushrq` writes and on FLUSH/FUA);
//   hashNsPerByte     CPU cost of the digest; default by algorithm: md5 2 ns/B (about 500 MB/s),
//                     sha256 6 ns/B (about 170 MB/s) on one 2013 core [R: plausible, not measured].
import { InputError } from '../../base/input-error.js';
import type { ParamNamespace } from '../target-registry.js';

export interface DedupParams {
  flusherIntervalS: number;
  /** undefined: the algorithm's default. */
  hashNsPerByte: number | undefined;
}

export const HASH_NS_PER_BYTE: Record<string, number> = { md5: 2, sha256: 6 };
/** Digest sizes (crypto_key_size): the hash store's entries hold the digest and the PBN. */
export const DIGEST_BYTES: Record<string, number> = { md5: 16, sha256: 32 };

const NUMBERS: Record<string, { min: number; max: number }> = {
  flusherIntervalS: { min: 0, max: 86_400 },
  hashNsPerByte: { min: 0, max: 1_000 },
};

export const DEDUP_PARAM_NAMES: readonly string[] = Object.keys(NUMBERS);

export function parseDedupParams(params: Readonly<Record<string, unknown>>): DedupParams {
  const out: DedupParams = { flusherIntervalS: 0, hashNsPerByte: undefined };
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith('dedup.')) continue;
    const name = key.slice('dedup.'.length);
    const num = NUMBERS[name];
    if (num === undefined) throw new InputError(`unknown dedup parameter (known: ${DEDUP_PARAM_NAMES.join(', ')})`, { field: key });
    if (!(typeof value === 'number' && Number.isFinite(value) && value >= num.min && value <= num.max)) {
      throw new InputError(`expected a number in ${num.min}..${num.max}, got ${JSON.stringify(value)}`, { field: key });
    }
    (out as unknown as Record<string, number>)[name] = value;
  }
  return out;
}

export const DEDUP_PARAMS: ParamNamespace = { name: 'dedup', parse: (params) => parseDedupParams(params) };
