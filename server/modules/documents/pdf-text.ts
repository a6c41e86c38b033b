/** Turns pdf.js text content into the form stored for search and display. */
import type { TextContent } from 'pdfjs-dist/types/src/display/api.js';

/** Items joined in reading order, white space collapsed, NFC (Word and scanners emit decomposed diacritics). */
export function pageText(content: TextContent): string {
  let text = '';
  for (const item of content.items) {
    if (!('str' in item)) continue;
    text += item.str;
    if (item.hasEOL) text += '\n';
  }
  return normalizeText(text);
}

export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\p{Cc}\ufffd]/gu, ' ') // control characters and undecodable glyphs
    .replace(/\s+/gu, ' ')
    .trim();
}
