/**
 * Page texts through poppler's pdftotext (Debian poppler-utils) in a child
 * process. pdf.js, asked for a page's text, also loads every image stream the
 * page draws, and keeps what it loaded in one file-sized buffer: a 100 MB
 * scanned PDF cost the server about 180 MB. pdftotext reads only what text
 * needs, in its own process, and is fast. Without it we fall back to pdf.js.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { normalizeText } from './pdf-text.ts';

const run = promisify(execFile);
export const PDFTOTEXT = '/usr/bin/pdftotext';

export function hasPdftotext(): boolean {
  return existsSync(PDFTOTEXT);
}

/** One normalised string per page, or undefined when pdftotext is missing or disagrees on the page count. */
export async function popplerPageTexts(filePath: string, pageCount: number): Promise<string[] | undefined> {
  if (!hasPdftotext()) return undefined;
  const { stdout } = await run(PDFTOTEXT, ['-q', '-enc', 'UTF-8', '-eol', 'unix', filePath, '-'], {
    maxBuffer: 256 * 1024 * 1024,
    timeout: 300_000,
    encoding: 'utf8',
  });
  // pdftotext ends every page with a form feed.
  const pages = stdout.split('\f');
  if (pages.at(-1)?.trim() === '') pages.pop();
  if (pages.length !== pageCount) return undefined;
  return pages.map(normalizeText);
}
