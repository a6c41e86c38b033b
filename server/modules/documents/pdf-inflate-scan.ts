/**
 * Measures what every compressed stream of a PDF inflates to, without keeping
 * the inflated bytes: a 1 MB file whose content stream inflates to 1 GB is
 * refused here, before pdf-lib or pdf.js would allocate it. Streams are found
 * by their `stream` keyword in the raw bytes (streams never live inside object
 * streams, so every one is visible). The dictionary is not trusted to say
 * which streams are compressed (its /Filter may be an indirect reference, or
 * pushed out of sight by padding): every stream is tried as Flate, also after
 * undoing an ASCIIHex or ASCII85 layer (they only shrink), so a chain such as
 * [/ASCIIHexDecode /FlateDecode] is measured too. Data that is not Flate fails
 * at its first bytes, so trying costs nothing.
 */
import { createInflate } from 'node:zlib';
import type { PdfLimits } from './pdf-limits.ts';

export type InflateVerdict = 'ok' | 'stream-too-large';

const STREAM = Buffer.from('stream');
const ENDSTREAM = Buffer.from('endstream');
const DICT_WINDOW = 4096;
/** Times the end of a stream is looked for further on when its data stops short (an `endstream` inside compressed bytes). */
const MAX_END_SEARCHES = 8;

export async function checkInflatedSizes(bytes: Buffer, limits: Pick<PdfLimits, 'maxInflatedStreamBytes' | 'maxInflatedTotalBytes'>): Promise<InflateVerdict> {
  let total = 0;
  for (let at = bytes.indexOf(STREAM); at >= 0; at = bytes.indexOf(STREAM, at + STREAM.length)) {
    if (at >= 3 && bytes.toString('latin1', at - 3, at) === 'end') continue;
    const dataStart = afterEol(bytes, at + STREAM.length);
    if (dataStart < 0) continue;
    const cap = Math.min(limits.maxInflatedStreamBytes, limits.maxInflatedTotalBytes - total);
    const size = await measureStream(bytes, dataStart, declaredLength(bytes, at, dataStart), cap);
    if (size > cap) return 'stream-too-large';
    total += size;
  }
  return 'ok';
}

/** A direct /Length in the dictionary just before the keyword, when it fits in the file. */
function declaredLength(bytes: Buffer, keywordAt: number, dataStart: number): number | undefined {
  const window = bytes.toString('latin1', Math.max(0, keywordAt - DICT_WINDOW), keywordAt);
  const dict = window.slice(Math.max(0, window.lastIndexOf('obj')));
  const match = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dict);
  const length = match === null ? undefined : Number(match[1]);
  return length !== undefined && dataStart + length <= bytes.length ? length : undefined;
}

/** Bytes the stream at `dataStart` inflates to (0 when it is not Flate), at most a little past `cap`. */
async function measureStream(bytes: Buffer, dataStart: number, length: number | undefined, cap: number): Promise<number> {
  let end = length !== undefined ? dataStart + length : bytes.indexOf(ENDSTREAM, dataStart);
  for (let search = 0; search < MAX_END_SEARCHES; search++) {
    const data = bytes.subarray(dataStart, end < 0 ? bytes.length : end);
    const result = await bestInflation(data, cap);
    // Stopped short of its end although the file goes on: the real end is further (a wrong /Length,
    // or "endstream" inside the compressed bytes), as pdf.js would find it.
    if (!result.truncated || result.size > cap || end < 0) return result.size;
    end = bytes.indexOf(ENDSTREAM, end + 1);
  }
  return cap + 1;
}

/** The data as Flate, or behind an ASCIIHex or ASCII85 layer: whichever inflates. */
async function bestInflation(data: Buffer, cap: number): Promise<Inflation> {
  const raw = await inflatedSize(data, cap);
  if (raw.size > 0) return raw;
  const head = data.toString('latin1', 0, Math.min(64, data.length));
  if (/^[\s0-9A-Fa-f]+>?\s*$/.test(head) || /^[\s0-9A-Fa-f]{64}/.test(head)) {
    const hex = await inflatedSize(fromHex(data), cap);
    if (hex.size > 0) return hex;
  }
  if (data.includes('~>')) {
    const a85 = await inflatedSize(fromAscii85(data), cap);
    if (a85.size > 0) return a85;
  }
  return raw;
}

function afterEol(bytes: Buffer, at: number): number {
  if (bytes[at] === 0x0d && bytes[at + 1] === 0x0a) return at + 2;
  if (bytes[at] === 0x0a || bytes[at] === 0x0d) return at + 1;
  return -1;
}

type Inflation = { size: number; truncated: boolean };

/** Bytes `data` inflates to, stopping as soon as it passes `cap`; `truncated`: the data ended inside the compressed stream. */
export function inflatedSize(data: Buffer, cap: number): Promise<Inflation> {
  return new Promise((resolve) => {
    const inflate = createInflate({ chunkSize: 64 * 1024 });
    let size = 0;
    let settled = false;
    const finish = (truncated: boolean) => {
      if (settled) return;
      settled = true;
      resolve({ size, truncated });
    };
    inflate.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        finish(false);
        inflate.destroy();
      }
    });
    inflate.on('end', () => finish(false));
    inflate.on('error', (error: NodeJS.ErrnoException) => finish(error.code === 'Z_BUF_ERROR'));
    inflate.on('close', () => finish(false));
    inflate.end(data);
  });
}

function fromHex(data: Buffer): Buffer {
  const text = data.toString('latin1');
  const end = text.indexOf('>');
  const digits = (end < 0 ? text : text.slice(0, end)).replace(/[^0-9A-Fa-f]/g, '');
  return Buffer.from(digits.length % 2 === 0 ? digits : digits + '0', 'hex');
}

function fromAscii85(data: Buffer): Buffer {
  const text = data.toString('latin1');
  const end = text.indexOf('~>');
  const body = (end < 0 ? text : text.slice(0, end)).replace(/\s/g, '');
  const out = Buffer.alloc(Math.ceil((body.length * 4) / 5) + body.split('z').length * 4);
  let length = 0;
  let value = 0;
  let count = 0;
  const flush = (digits: number) => {
    for (let i = 0; i < digits; i++) out[length++] = Math.floor(value / 256 ** (3 - i)) % 256;
  };
  for (const char of body) {
    if (char === 'z' && count === 0) {
      out.fill(0, length, length + 4);
      length += 4;
      continue;
    }
    const digit = char.charCodeAt(0) - 33;
    if (digit < 0 || digit > 84) continue;
    value = value * 85 + digit;
    if (++count === 5) {
      flush(4);
      value = 0;
      count = 0;
    }
  }
  if (count > 1) {
    const digits = count - 1;
    while (count++ < 5) value = value * 85 + 84;
    flush(digits);
  }
  return out.subarray(0, length);
}
