/**
 * Checks on a PDF's raw bytes that pdf.js would paper over: pdf.js repairs a
 * broken cross-reference table silently (by scanning the whole file), but such
 * a file is damaged and other tools (printers, pdf-lib, archive checkers) may
 * read it differently. Only the head, the tail and a few bytes at the offsets
 * named there are read.
 */
import { open, type FileHandle } from 'node:fs/promises';

export type StructureVerdict = 'ok' | 'not-pdf' | 'corrupt';

const HEAD_BYTES = 1024; // the spec lets the header sit anywhere in the first 1024 bytes
const TAIL_BYTES = 2048;
const SAMPLED_ENTRIES = 5;

export async function checkPdfStructure(filePath: string): Promise<StructureVerdict> {
  const file = await open(filePath, 'r');
  try {
    const { size } = await file.stat();
    const head = await readAt(file, 0, Math.min(HEAD_BYTES, size));
    const headerAt = head.indexOf('%PDF-');
    if (headerAt < 0) return 'not-pdf';

    const tail = await readAt(file, Math.max(0, size - TAIL_BYTES), Math.min(TAIL_BYTES, size));
    const match = /startxref\s+(\d+)\s/.exec(tail.slice(tail.lastIndexOf('startxref')));
    if (match === null) return 'corrupt'; // truncated, or no trailer at all
    const offset = Number(match[1]);
    // Some writers count offsets from the header when junk precedes it.
    for (const base of headerAt === 0 ? [0] : [0, headerAt]) {
      if (await xrefLooksValid(file, size, offset + base, base)) return 'ok';
    }
    return 'corrupt';
  } finally {
    await file.close();
  }
}

async function xrefLooksValid(file: FileHandle, size: number, offset: number, base: number): Promise<boolean> {
  if (offset >= size) return false;
  const at = await readAt(file, offset, Math.min(4096, size - offset));
  if (/^\s*xref\s/.test(at)) return tableEntriesLookValid(file, size, at, base);
  const stream = /^\s*\d+\s+\d+\s+obj\b/.exec(at);
  if (stream === null) return false;
  // An xref stream: its dictionary (short, before the stream data) names /XRef.
  const dataStart = at.indexOf('stream');
  return dataStart < 0 || /\/Type\s*\/XRef\b/.test(at.slice(0, dataStart));
}

/**
 * A classic table: the first few in-use entries must point at "N G obj" for
 * their own object number. A table whose bytes were damaged, or whose offsets
 * were shifted by an editor, fails here even though pdf.js would still open it.
 */
async function tableEntriesLookValid(file: FileHandle, size: number, table: string, base: number): Promise<boolean> {
  const subsection = /\s*(\d+)\s+(\d+)\s*?[\r\n]+/y;
  const entry = /(\d{10}) (\d{5}) ([nf])[ \r\n]{1,2}/y;
  let position = /^\s*xref/.exec(table)?.[0].length ?? 0;
  let checked = 0;
  while (checked < SAMPLED_ENTRIES) {
    subsection.lastIndex = position;
    const header = subsection.exec(table);
    if (header === null) {
      // Past the last subsection comes the trailer; anything else is damage,
      // unless the 4 KiB read simply ended inside the table.
      return /^\s*trailer/.test(table.slice(position)) || table.length - position < 40;
    }
    position = subsection.lastIndex;
    const first = Number(header[1]);
    const count = Number(header[2]);
    for (let number = first; number < first + count && checked < SAMPLED_ENTRIES; number++) {
      entry.lastIndex = position;
      const row = entry.exec(table);
      if (row === null) return table.length - position < 20;
      position = entry.lastIndex;
      if (row[3] !== 'n') continue;
      if (!(await objectIsAt(file, size, Number(row[1]) + base, number, Number(row[2])))) return false;
      checked++;
    }
  }
  return true;
}

async function objectIsAt(file: FileHandle, size: number, offset: number, number: number, generation: number): Promise<boolean> {
  if (offset >= size) return false;
  const object = /^\s*(\d+)\s+(\d+)\s+obj\b/.exec(await readAt(file, offset, Math.min(40, size - offset)));
  return object !== null && Number(object[1]) === number && Number(object[2]) === generation;
}

async function readAt(file: FileHandle, position: number, length: number): Promise<string> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.toString('latin1', 0, bytesRead);
}
