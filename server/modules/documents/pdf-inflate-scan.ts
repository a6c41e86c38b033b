/**
 * Measures what every compressed stream of a PDF inflates to, without keeping
 * the inflated bytes: a 1 MB file whose content stream inflates to 1 GB is
 * refused here, before pdf-lib or pdf.js would allocate it. Streams are found
 * by their `stream` keyword in the raw bytes (streams never live inside object
 * streams, so every one is visible), their filters read from the dictionary
 * before it; ASCIIHex and ASCII85 layers in front of Flate are undone first
 * (they only shrink), so a chain such as [/ASCII85Decode /FlateDecode] is
 * measured too.
 */
import { createInflate } from 'node:zlib';
import type { PdfLimits } from './pdf-limits.ts';

export type InflateVerdict = 'ok' | 'stream-too-large';

const STREAM = Buffer.from('stream');
const ENDSTREAM = Buffer.from('endstream');
const DICT_WINDOW = 16 * 1024;

export async function checkInflatedSizes(bytes: Buffer, limits: Pick<PdfLimits, 'maxInflatedStreamBytes' | 'maxInflatedTotalBytes'>): Promise<InflateVerdict> {
  let total = 0;
  for (let at = bytes.indexOf(STREAM); at >= 0; at = bytes.indexOf(STREAM, at + STREAM.length)) {
    if (at >= 3 && bytes.toString('latin1', at - 3, at) === 'end') continue;
    const dataStart = afterEol(bytes, at + STREAM.length);
    if (dataStart < 0) continue;
    const dict = bytes.toString('latin1', Math.max(0, at - DICT_WINDOW), at);
    // This stream's own dictionary: from its "N G obj" to the keyword.
    const filters = filtersOf(dict.slice(Math.max(0, dict.lastIndexOf('obj'))));
    if (!filters.some((f) => f === 'FlateDecode' || f === 'Fl')) continue;
    const end = bytes.indexOf(ENDSTREAM, dataStart);
    let data = bytes.subarray(dataStart, end < 0 ? bytes.length : end);
    for (const filter of filters) {
      if (filter === 'ASCIIHexDecode' || filter === 'AHx') data = fromHex(data);
      else if (filter === 'ASCII85Decode' || filter === 'A85') data = fromAscii85(data);
      else break;
    }
    const remaining = limits.maxInflatedTotalBytes - total;
    const cap = Math.min(limits.maxInflatedStreamBytes, remaining);
    const size = await inflatedSize(data, cap);
    if (size > cap) return 'stream-too-large';
    total += size;
  }
  return 'ok';
}

function afterEol(bytes: Buffer, at: number): number {
  if (bytes[at] === 0x0d && bytes[at + 1] === 0x0a) return at + 2;
  if (bytes[at] === 0x0a || bytes[at] === 0x0d) return at + 1;
  return -1;
}

/** The filter names of the last dictionary in `text` (one name or an array), `#xx` escapes decoded. */
function filtersOf(text: string): string[] {
  const match = /\/Filter\s*(\[[^\]]*\]|\/[^\s/<>[\]()]+)/.exec(text);
  if (match === null) return [];
  return [...(match[1] as string).matchAll(/\/([^\s/<>[\]()]+)/g)].map((m) => (m[1] as string).replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
}

/** Bytes `data` inflates to, stopping as soon as it passes `cap` (damaged data counts up to where it breaks). */
export function inflatedSize(data: Buffer, cap: number): Promise<number> {
  return new Promise((resolve) => {
    const inflate = createInflate({ chunkSize: 64 * 1024 });
    let size = 0;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      resolve(size);
    };
    inflate.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        finish();
        inflate.destroy();
      }
    });
    inflate.on('end', finish);
    inflate.on('error', finish);
    inflate.on('close', finish);
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
  const out: number[] = [];
  let group: number[] = [];
  for (const char of body) {
    if (char === 'z' && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    const code = char.charCodeAt(0) - 33;
    if (code < 0 || code > 84) continue;
    group.push(code);
    if (group.length === 5) {
      pushGroup(out, group, 4);
      group = [];
    }
  }
  if (group.length > 1) {
    const count = group.length - 1;
    while (group.length < 5) group.push(84);
    pushGroup(out, group, count);
  }
  return Buffer.from(out);
}

function pushGroup(out: number[], group: number[], count: number): void {
  const value = group.reduce((sum, digit) => sum * 85 + digit, 0);
  for (let i = 0; i < count; i++) out.push(Math.floor(value / 256 ** (3 - i)) % 256);
}
