/**
 * The typeface for PDFs the server makes (watermarks, generated documents).
 * The 14 standard PDF fonts cannot show Vietnamese, so a TTF covering the
 * whole Vietnamese alphabet is embedded. Be Vietnam Pro (made for Vietnamese)
 * comes from an npm package, so a deployment needs no system fonts; Debian's
 * DejaVu Sans is the fallback. Nothing is fetched at run time.
 */
import fontkit from '@pdf-lib/fontkit';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { PDFDocument, PDFFont } from 'pdf-lib';

type FontFiles = { regular: string; bold: string };

const require = createRequire(import.meta.url);

function candidates(): FontFiles[] {
  const found: FontFiles[] = [];
  try {
    found.push({
      regular: require.resolve('@expo-google-fonts/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf'),
      bold: require.resolve('@expo-google-fonts/be-vietnam-pro/700Bold/BeVietnamPro_700Bold.ttf'),
    });
  } catch {
    // package not installed: fall through to the system font
  }
  found.push({ regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf' });
  return found;
}

type FontBytes = { regular: Uint8Array; bold: Uint8Array; source: string };
let cached: Promise<FontBytes> | undefined;

async function loadFonts(): Promise<FontBytes> {
  const tried: string[] = [];
  for (const files of candidates()) {
    try {
      const regular = new Uint8Array(await readFile(files.regular));
      // A family without a bold file still works: titles are then set in regular.
      const bold = await readFile(files.bold).then((bytes) => new Uint8Array(bytes), () => regular);
      return { regular, bold, source: files.regular };
    } catch {
      tried.push(files.regular);
    }
  }
  throw new Error(`no font for Vietnamese PDFs found (tried ${tried.join(', ')}): install @expo-google-fonts/be-vietnam-pro or fonts-dejavu-core`);
}

function fonts(): Promise<FontBytes> {
  cached ??= loadFonts().catch((error: unknown) => {
    cached = undefined; // let a later call retry, e.g. after the package is installed
    throw error;
  });
  return cached;
}

export async function loadPdfFont(): Promise<Uint8Array> {
  return (await fonts()).regular;
}

export async function loadPdfBoldFont(): Promise<Uint8Array> {
  return (await fonts()).bold;
}

/** Which file is in use, for the start-up log. */
export async function pdfFontSource(): Promise<string> {
  return (await fonts()).source;
}

/**
 * Embeds regular and bold into `doc`, subset to the glyphs used. Text drawn
 * with them must be NFC: pdf-lib places glyphs by advance width only, so a
 * combining accent (NFD) would not sit on its letter.
 */
export async function embedPdfFonts(doc: PDFDocument): Promise<{ regular: PDFFont; bold: PDFFont }> {
  const { regular, bold } = await fonts();
  doc.registerFontkit(fontkit);
  const embeddedRegular = await doc.embedFont(regular, { subset: true });
  const embeddedBold = bold === regular ? embeddedRegular : await doc.embedFont(bold, { subset: true });
  return { regular: embeddedRegular, bold: embeddedBold };
}
