/** Greedy word wrapping for text drawn with pdf-lib (which draws single lines only). */
import type { PDFFont } from 'pdf-lib';

/**
 * Splits `text` into lines no wider than `width` points. Explicit newlines are
 * kept as line breaks; a word wider than a whole line (a long URL) is broken
 * between characters rather than allowed to run off the page.
 */
export function wrapText(text: string, font: PDFFont, size: number, width: number, firstLineIndent = 0): string[] {
  // Shaping a string with fontkit is slow; words repeat a lot, so each is
  // measured once and a line's width is the sum of its words and spaces
  // (kerning across a space is negligible).
  const widths = new Map<string, number>();
  const measure = (s: string): number => {
    let w = widths.get(s);
    if (w === undefined) {
      w = font.widthOfTextAtSize(s, size);
      widths.set(s, w);
    }
    return w;
  };
  const space = measure(' ');
  const lines: string[] = [];
  const room = (): number => width - (lines.length === 0 ? firstLineIndent : 0);
  for (const hardLine of text.split('\n')) {
    let line = '';
    let lineWidth = 0;
    for (const word of hardLine.split(' ').filter((w) => w !== '')) {
      const wordWidth = measure(word);
      if (line !== '' && lineWidth + space + wordWidth <= room()) {
        line += ` ${word}`;
        lineWidth += space + wordWidth;
        continue;
      }
      if (line !== '') lines.push(line);
      line = word;
      lineWidth = wordWidth;
      while (lineWidth > room()) {
        const cut = longestFittingPrefix(line, (prefix) => font.widthOfTextAtSize(prefix, size) <= room());
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
        lineWidth = measure(line);
      }
    }
    lines.push(line);
  }
  return lines;
}

/** At least one character, so a line narrower than any glyph still makes progress. */
function longestFittingPrefix(word: string, fits: (prefix: string) => boolean): number {
  const chars = [...word]; // code points, so a surrogate pair is never split
  let low = 1;
  let high = chars.length - 1; // the whole word is known not to fit
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(chars.slice(0, middle).join(''))) low = middle;
    else high = middle - 1;
  }
  return chars.slice(0, low).join('').length;
}
