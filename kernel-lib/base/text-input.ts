// Text files given as input (scenarios, job files, traces) that are not text: a binary file
// or a file in another encoding would otherwise fail with a parser's message about some
// column of garbage. Say what the file is instead.
import { InputError } from './input-error.js';

/** Bytes read from `file` as UTF-8 text; an InputError if they hold a NUL byte or invalid UTF-8. */
export function decodeTextFile(bytes: Uint8Array, file: string, what = 'a text file'): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new InputError(`a binary file (a NUL byte at offset ${nul}), not ${what}`, { file });
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const bad = text.indexOf('\ufffd');
  if (bad >= 0) {
    // Everything before the first replacement character decoded cleanly: its UTF-8 length is
    // the offset of the bad byte (unless the file really holds U+FFFD, which is valid).
    const offset = Buffer.byteLength(text.slice(0, bad));
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) {
      const line = text.slice(0, bad).split('\n').length;
      throw new InputError(`not UTF-8 text (an invalid byte 0x${bytes[offset].toString(16).padStart(2, '0')} at offset ${offset})`, { file, line });
    }
  }
  return text;
}

/** Text already decoded: refuses the NUL bytes of a binary file. */
export function checkText(text: string, file: string, what = 'a text file'): void {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) throw new InputError(`a binary file (a NUL byte at offset ${nul}), not ${what}`, { file });
}
