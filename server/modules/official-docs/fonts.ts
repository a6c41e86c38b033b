/**
 * Tinos: Times New Roman's metrics (so a page breaks where Word would break
 * it) and every Vietnamese letter. It comes from an npm package, so a fresh
 * machine renders official documents with nothing but `npm install`.
 *
 * Subsets are cut by HarfBuzz (hb-subset) rather than by pdf-lib: pdf-lib's
 * own subsetter (fontkit) drops most of Tinos's glyph outlines (the letters
 * are in the text layer but print blank), while a full embedding costs
 * 2 MB per document.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import subsetFont from 'subset-font';
import type { PDFDocument, PDFFont } from 'pdf-lib';

const require = createRequire(import.meta.url);

export type Faces = { regular: PDFFont; bold: PDFFont; italic: PDFFont; boldItalic: PDFFont };
type FaceBytes = Record<keyof Faces, Uint8Array>;

const FILES: Record<keyof Faces, string> = {
  regular: '@expo-google-fonts/tinos/400Regular/Tinos_400Regular.ttf',
  bold: '@expo-google-fonts/tinos/700Bold/Tinos_700Bold.ttf',
  italic: '@expo-google-fonts/tinos/400Regular_Italic/Tinos_400Regular_Italic.ttf',
  boldItalic: '@expo-google-fonts/tinos/700Bold_Italic/Tinos_700Bold_Italic.ttf',
};

/** The family's name as a PDF reader reports it (tests look for it in `pdffonts`). */
export const FONT_FAMILY = 'Tinos';

let cached: Promise<FaceBytes> | undefined;

function faceBytes(): Promise<FaceBytes> {
  cached ??= (async () => {
    const entries = await Promise.all(Object.entries(FILES).map(async ([face, file]) => [face, new Uint8Array(await readFile(require.resolve(file)))] as const));
    return Object.fromEntries(entries) as FaceBytes;
  })().catch((error: unknown) => {
    cached = undefined; // a later call may find the package installed
    throw error;
  });
  return cached;
}

/** Always kept: digits (page and table numbers), punctuation the layout adds, the Latin and Vietnamese capitals. */
const ALWAYS = '0123456789 -–:;.,/*()%_ ABCDEFGHIJKLMNOPQRSTUVWXYZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ';

/**
 * Embeds the four faces cut to the characters of `text` (the document's
 * strings; their capitals are added here): only the glyphs a document uses
 * travel with it.
 */
export async function embedFaces(doc: PDFDocument, text: string): Promise<Faces> {
  const bytes = await faceBytes();
  const characters = [...new Set([...`${text}${text.toLocaleUpperCase('vi')}${ALWAYS}`])].join('');
  doc.registerFontkit(fontkit);
  const embed = async (face: keyof Faces) => doc.embedFont(await subsetFont(Buffer.from(bytes[face]), characters, { targetFormat: 'truetype' }), { subset: false });
  const [regular, bold, italic, boldItalic] = await Promise.all([embed('regular'), embed('bold'), embed('italic'), embed('boldItalic')]);
  return { regular, bold, italic, boldItalic };
}
