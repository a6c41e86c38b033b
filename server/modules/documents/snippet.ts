/**
 * Finds a folded query inside original Vietnamese text and cuts a snippet
 * around the first match, keeping the original diacritics. Folding works per
 * character so every folded position maps back to the original text.
 */
import type { SnippetPart } from '../../contract/documents.ts';
import { foldVietnamese } from '../../contract/text.ts';

function foldWithMap(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  let index = 0;
  for (const char of text) {
    const f = /\s/.test(char) ? ' ' : foldVietnamese(char);
    for (let i = 0; i < f.length; i += 1) origin.push(index);
    folded += f;
    index += char.length;
  }
  origin.push(index);
  return { folded, origin };
}

export function countMatches(foldedText: string, foldedQuery: string): number {
  if (foldedQuery === '') return 0;
  let count = 0;
  for (let at = foldedText.indexOf(foldedQuery); at !== -1; at = foldedText.indexOf(foldedQuery, at + foldedQuery.length)) count += 1;
  return count;
}

export function buildSnippet(text: string, query: string, radius = 80): SnippetPart[] {
  const foldedQuery = foldVietnamese(query);
  const { folded, origin } = foldWithMap(text);
  const first = folded.indexOf(foldedQuery);
  if (foldedQuery === '' || first === -1) return [{ text: text.slice(0, radius * 2), match: false }];

  const start = Math.max(0, origin[first]! - radius);
  const endLimit = Math.min(text.length, origin[first + foldedQuery.length]! + radius);
  const parts: SnippetPart[] = [];
  let cursor = start;
  for (let at = first; at !== -1; at = folded.indexOf(foldedQuery, at + foldedQuery.length)) {
    const from = origin[at]!;
    const to = origin[at + foldedQuery.length]!;
    if (to > endLimit) break;
    if (from > cursor) parts.push({ text: text.slice(cursor, from), match: false });
    parts.push({ text: text.slice(from, to), match: true });
    cursor = to;
  }
  if (cursor < endLimit) parts.push({ text: text.slice(cursor, endLimit), match: false });
  if (start > 0) parts.unshift({ text: '…', match: false });
  if (endLimit < text.length) parts.push({ text: '…', match: false });
  return parts;
}
