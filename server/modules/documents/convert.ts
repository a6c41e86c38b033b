/**
 * Word → PDF with LibreOffice in headless mode, when the server has it
 * (Debian's libreoffice-writer). Each conversion gets its own profile
 * directory so parallel conversions do not lock each other out.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const WORD_EXTENSIONS = ['.doc', '.docx', '.odt', '.rtf'];

export function isWordFile(filename: string): boolean {
  return WORD_EXTENSIONS.includes(path.extname(filename).toLowerCase());
}

export function findLibreOffice(): string | undefined {
  return ['/usr/bin/soffice', '/usr/bin/libreoffice', '/usr/lib/libreoffice/program/soffice'].find((candidate) => existsSync(candidate));
}

/** Converts `inputPath` (named like `filename`) and returns the path of the PDF in a temp dir the caller removes. */
export async function convertToPdf(soffice: string, inputPath: string, filename: string): Promise<{ pdfPath: string; workDir: string }> {
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'phs-convert-'));
  const source = path.join(workDir, `input${path.extname(filename).toLowerCase()}`);
  await fs.copyFile(inputPath, source);
  await run(
    soffice,
    [`-env:UserInstallation=file://${path.join(workDir, 'profile')}`, '--headless', '--norestore', '--convert-to', 'pdf', '--outdir', workDir, source],
    { timeout: 120_000 },
  );
  const pdfPath = path.join(workDir, 'input.pdf');
  if (!existsSync(pdfPath)) throw new Error('LibreOffice produced no PDF');
  return { pdfPath, workDir };
}
