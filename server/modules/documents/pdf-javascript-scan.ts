/**
 * Looks for JavaScript in a PDF's raw bytes, as a second line behind pdf.js's
 * own checks (which see document-level and form scripts but not the action of
 * a link annotation). A JavaScript action is always named `/S /JavaScript`, so
 * the name token is searched for, with `#xx` escapes decoded (`/Java#53cript`
 * is the same name). Objects packed in compressed object streams are invisible
 * in the raw bytes, so those streams are inflated and searched too.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';

const OVERLAP = 64; // longer than any escaped form of the names searched for
const MAX_OBJECT_STREAMS = 10_000;
const MAX_OBJECT_STREAM_BYTES = 8 * 1024 * 1024;
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

// A name: "/" then regular characters up to a delimiter or white space.
const NAME = /\/((?:[A-Za-z]|#[0-9A-Fa-f]{2}){2,40})(?=[\s()<>[\]{}/%])/g;

export async function containsJavaScript(filePath: string): Promise<boolean> {
  const objectStreams: number[] = [];
  let carry = '';
  let carryStart = 0;
  // 128 KiB chunks: 1 MiB ones made 1 MiB latin1 strings, which V8 puts in large-object
  // space and frees only on a major GC — a 100 MB upload then cost ~80 MB of memory.
  for await (const chunk of createReadStream(filePath, { highWaterMark: 128 * 1024 }) as AsyncIterable<Buffer>) {
    const text = carry + chunk.toString('latin1');
    for (const match of text.matchAll(NAME)) {
      const name = decodeName(match[1] as string);
      if (name === 'JavaScript') return true;
      const at = carryStart + match.index;
      if (name === 'ObjStm' && objectStreams.length < MAX_OBJECT_STREAMS && objectStreams.at(-1) !== at) objectStreams.push(at);
    }
    carry = text.slice(-OVERLAP);
    carryStart += text.length - carry.length;
  }
  if (objectStreams.length === 0) return false;
  const file = await open(filePath, 'r');
  try {
    for (const at of objectStreams) {
      const objects = await inflateObjectStream(file, at);
      if (objects !== undefined && [...objects.matchAll(NAME)].some((m) => decodeName(m[1] as string) === 'JavaScript')) return true;
    }
  } finally {
    await file.close();
  }
  return false;
}

function decodeName(raw: string): string {
  return raw.includes('#') ? raw.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : raw;
}

/**
 * Inflates the object stream whose dictionary contains `/ObjStm` at `nameAt`.
 * Returns undefined for anything that does not inflate (another filter, damage):
 * such a stream is left to pdf.js, which then fails or ignores it.
 */
async function inflateObjectStream(file: FileHandle, nameAt: number): Promise<string | undefined> {
  // The dictionary around the name: /Length may come before or after it.
  const windowStart = Math.max(0, nameAt - 1024);
  const around = await readAt(file, windowStart, nameAt - windowStart + 4096);
  const keyword = /(?<!end)stream(\r\n|\n|\r)/g;
  keyword.lastIndex = nameAt - windowStart;
  const found = keyword.exec(around);
  if (found === null) return undefined;
  const dataStart = windowStart + keyword.lastIndex;
  const dict = around.slice(around.lastIndexOf('obj', nameAt - windowStart), found.index);
  const declared = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dict);
  // Without a direct /Length, read more until the deflate data is complete.
  let length = declared ? Math.min(Number(declared[1]), MAX_OBJECT_STREAM_BYTES) : 256 * 1024;
  for (;;) {
    const data = await readAt(file, dataStart, length);
    try {
      return inflateSync(Buffer.from(data, 'latin1'), { maxOutputLength: MAX_INFLATED_BYTES }).toString('latin1');
    } catch (error) {
      const truncated = error instanceof Error && /unexpected end of file/i.test(error.message);
      if (!truncated || data.length < length || length >= MAX_OBJECT_STREAM_BYTES) return undefined;
      length = Math.min(length * 4, MAX_OBJECT_STREAM_BYTES);
    }
  }
}

async function readAt(file: FileHandle, position: number, length: number): Promise<string> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.toString('latin1', 0, bytesRead);
}
